package inproc

import (
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

// BodyLimit stands for the server's default server.bodyLimit.
const BodyLimit = 1 << 20

// Mount serves d under prefix for listener l, with bodies bounded to
// BodyLimit as the server bounds them by default.
func Mount(d dialect.Dialect, prefix string, l dialect.Listener) *echo.Echo {
	return MountLimit(d, prefix, l, BodyLimit)
}

// MountLimit serves d under prefix for listener l, bounding bodies to limit
// bytes as the server does: it leaves the answer to a too-large body to
// the dialect.
func MountLimit(d dialect.Dialect, prefix string, l dialect.Listener, limit int64) *echo.Echo {
	e := echo.New()
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if r := c.Request(); r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(c.Response().Writer, r.Body, limit)
			}
			return next(c)
		}
	})
	d.Mount(e.Group(prefix), l)
	return e
}

// Serve answers one request.
func Serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}
