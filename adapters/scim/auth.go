package scim

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

const keyToken = "scim.token"

// authenticate checks the request's bearer token. The throttle is asked
// first, by the client's address: a client that keeps presenting wrong
// tokens is slowed down (429) before any comparison is made.
func (d *Dialect) authenticate(c echo.Context) error {
	scheme, presented, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
	presented = strings.TrimSpace(presented)
	if !strings.EqualFold(scheme, "Bearer") || presented == "" {
		return newError(http.StatusUnauthorized, "", "a bearer token is required (Authorization: Bearer <token>)")
	}
	check, err := d.domain.BeginCheck(dialect.Caller(c, Name, "bearer", identity.Scope{}), "")
	if err != nil {
		return err
	}
	tok, err := d.tokens.check(presented)
	if err != nil {
		check.Failed()
		return newError(http.StatusUnauthorized, "", "%s", err.Error())
	}
	check.Succeeded()
	c.Set(keyToken, tok)
	return nil
}

// caller is the core's Caller for an authenticated request: the token's
// name and scope.
func caller(c echo.Context) identity.Caller {
	tok, _ := c.Get(keyToken).(*token)
	if tok == nil {
		// Unreachable behind guard; a caller that may do nothing.
		return dialect.Caller(c, Name, "anonymous", identity.Scope{ReadOnly: true, Operations: []identity.Operation{}})
	}
	return dialect.Caller(c, Name, tok.name, tok.scope)
}

// guard authenticates before the handler runs.
func (d *Dialect) guard(h handler) handler {
	return func(c echo.Context) error {
		if err := d.authenticate(c); err != nil {
			return err
		}
		return h(c)
	}
}
