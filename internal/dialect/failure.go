package dialect

import (
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Endpoint adapts h, a handler that writes its success itself and returns
// any failure, to echo: respond answers the failure in the dialect's
// envelope, so that none reaches echo's default error handler, whose body
// is no dialect's.
func Endpoint(h func(echo.Context) error, respond func(echo.Context, error) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := h(c); err != nil {
			return respond(c, err)
		}
		return nil
	}
}

// LogFailure logs a failed request: a server-side failure (5xx) at error
// level, the client's mistakes at debug. attrs are the dialect's own
// fields, logged after the status.
func LogFailure(log *slog.Logger, c echo.Context, status int, err error, attrs ...any) {
	level := slog.LevelDebug
	if status >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	args := append([]any{"route", Route(c), "status", status}, attrs...)
	args = append(args, "request_id", RequestID(c), "error", err.Error())
	log.Log(c.Request().Context(), level, "request failed", args...)
}
