package adweb

import (
	"net/http"

	"github.com/labstack/echo/v4"
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
	k, err := d.keys.check(key, secret)
	if err != nil {
		return nil, &apiError{status: http.StatusUnauthorized, code: codeUnauthorized, message: err.Error()}
	}
	return k, nil
}
