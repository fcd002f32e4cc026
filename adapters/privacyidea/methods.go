package privacyidea

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// methodNotAllowedPage is the body Flask (Werkzeug's MethodNotAllowed)
// sends for a method a route does not serve: privacyIDEA registers no
// handler for 405, so its clients get this HTML page, not the envelope.
const methodNotAllowedPage = "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n" +
	"<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n"

// otherMethods answers every method a path does not serve as Flask does:
// OPTIONS is 200 with the Allow header, anything else 405 with Allow and
// Werkzeug's page. allowed lists the path's own methods; Flask adds
// OPTIONS to all. (Flask also answers HEAD as GET; dirgate does not serve
// HEAD, so it is a 405 here and not in Allow.)
func otherMethods(allowed ...string) echo.HandlerFunc {
	allow := append([]string(nil), allowed...)
	allow = append(allow, http.MethodOptions)
	slices.Sort(allow)
	header := strings.Join(allow, ", ")
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderAllow, header)
		if c.Request().Method == http.MethodOptions {
			return c.NoContent(http.StatusOK)
		}
		return c.HTML(http.StatusMethodNotAllowed, methodNotAllowedPage)
	}
}
