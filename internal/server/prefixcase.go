package server

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// foldPrefixes rewrites the leading path segment(s) of a request to the
// canonical spelling of a case-insensitive dialect prefix before routing,
// since echo's router matches case-sensitively.
func foldPrefixes(prefixes *[]string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			for _, p := range *prefixes {
				path := req.URL.Path
				if len(path) < len(p) || path[:len(p)] == p || !strings.EqualFold(path[:len(p)], p) {
					continue
				}
				if len(path) > len(p) && path[len(p)] != '/' {
					continue // "/restapifoo" is not under "/restapi"
				}
				req.URL.Path = p + path[len(p):]
				req.URL.RawPath = ""
				break
			}
			return next(c)
		}
	}
}
