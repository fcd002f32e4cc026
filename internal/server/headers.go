package server

import "github.com/labstack/echo/v4"

// Headers every answer carries, whatever the dialect or route.
const (
	headerContentTypeOptions = "X-Content-Type-Options"
	headerFrameOptions       = "X-Frame-Options"
	headerCSP                = "Content-Security-Policy"
)

// hardenHeaders marks every answer as data that a browser must neither
// sniff into something executable nor show inside another site's frame:
// no dialect serves a page, so nothing is lost. X-Frame-Options is for
// browsers that predate frame-ancestors. Set before the handler runs, so
// errors, 404s and panics carry them too.
func hardenHeaders() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set(headerContentTypeOptions, "nosniff")
			h.Set(headerCSP, "frame-ancestors 'none'")
			h.Set(headerFrameOptions, "DENY")
			return next(c)
		}
	}
}
