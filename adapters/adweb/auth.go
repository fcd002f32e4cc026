package adweb

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Header names of AD Web's key pair (matched case-insensitively, as every
// HTTP header is).
const (
	headerKey    = "ApiKey"
	headerSecret = "ApiSecret"
)

// authenticate checks the ApiKey/ApiSecret pair of a request.
func (d *Dialect) authenticate(c echo.Context) (*apiKey, error) {
	h := c.Request().Header
	key, secret := h.Get(headerKey), h.Get(headerSecret)
	if key == "" || secret == "" {
		return nil, &apiError{status: http.StatusUnauthorized, code: codeUnauthorized,
			message: "the ApiKey and ApiSecret headers are required"}
	}
	// Throttled by the client's address before the secret is compared:
	// a client that keeps sending wrong pairs is slowed down, whatever
	// key it names.
	check, err := d.core.BeginCheck(dialect.Caller(c, Name, "apikey", identity.Scope{}), "")
	if err != nil {
		return nil, err
	}
	k, err := d.keys.check(key, secret)
	if err != nil {
		check.Failed()
		return nil, &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, message: err.Error()}
	}
	check.Succeeded()
	return k, nil
}
