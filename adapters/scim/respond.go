package scim

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

// mediaType is SCIM's (RFC 7644 section 8.1): every answer carries it.
const mediaType = "application/scim+json"

// schemaError is the URN of the error body.
const schemaError = "urn:ietf:params:scim:api:messages:2.0:Error"

// errorBody is RFC 7644 section 3.12's error: status is a string.
type errorBody struct {
	Schemas  []string `json:"schemas"`
	Status   string   `json:"status"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
}

// handler is an endpoint: it writes its success itself and returns any
// failure, which endpoint turns into the error envelope.
type handler func(c echo.Context) error

// endpoint adapts a handler to echo so that no failure reaches echo's
// default error handler, whose body is not SCIM's.
func (d *Dialect) endpoint(h handler) echo.HandlerFunc { return dialect.Endpoint(h, d.respondError) }

// respondError writes err in the SCIM envelope. Server-side failures are
// logged with their cause at error level, the client's mistakes at debug.
func (d *Dialect) respondError(c echo.Context, err error) error {
	var se *scimError
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &se):
	case errors.As(err, &httpErr):
		se = &scimError{status: httpErr.Code, detail: http.StatusText(httpErr.Code), cause: err}
	default:
		se = fromCore(err, "")
	}
	dialect.LogFailure(d.log, c, se.status, se, "scimType", se.scimType)
	if c.Response().Committed {
		return nil
	}
	return writeError(c, se)
}

func writeError(c echo.Context, se *scimError) error {
	h := c.Response().Header()
	if se.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(se.retryAfter))
	}
	if se.status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="dirgate SCIM"`)
	}
	return writeJSON(c, se.status, errorBody{
		Schemas: []string{schemaError}, Status: strconv.Itoa(se.status), ScimType: se.scimType, Detail: se.detail,
	})
}

// writeJSON answers v as application/scim+json.
func writeJSON(c echo.Context, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, mediaType+"; charset=utf-8")
	return c.Blob(status, mediaType+"; charset=utf-8", b)
}
