package scim

import (
	"context"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/identity"
)

// request is one authenticated call: its context, its caller, and the
// service's URL for the resources' locations.
type request struct {
	c      echo.Context
	ctx    context.Context
	caller identity.Caller
	base   string
}

const keyPrefix = "scim.prefix"

func newRequest(c echo.Context) *request {
	prefix, _ := c.Get(keyPrefix).(string)
	return &request{c: c, ctx: c.Request().Context(), caller: caller(c), base: baseURL(c, prefix)}
}

// baseURL is the URL clients reached the service at: the scheme (as a
// reverse proxy reports it in X-Forwarded-Proto), the Host and the prefix.
func baseURL(c echo.Context, prefix string) string {
	return c.Scheme() + "://" + c.Request().Host + strings.TrimSuffix(prefix, "/")
}
