package openapi

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

// errorBody is every failed answer: {"error":"<message>"}.
type errorBody struct {
	Error string `json:"error"`
}

// msgBody is the answer of actions that return nothing else.
type msgBody struct {
	Msg string `json:"msg"`
}

// handler is an endpoint: it writes its success itself and returns any
// failure, which respond turns into the envelope.
type handler func(c echo.Context) error

// endpoint adapts a handler to echo, answering every failure in the
// dialect's envelope, so no error reaches echo's default handler (whose
// body would be {"message":…}).
func (d *Dialect) endpoint(h handler) echo.HandlerFunc { return dialect.Endpoint(h, d.respondError) }

// respondError writes err as {"error":…}. Server-side failures are logged
// with their cause; client errors only at debug level.
func (d *Dialect) respondError(c echo.Context, err error) error {
	var api *apiError
	var httpErr *echo.HTTPError
	switch {
	case errors.As(err, &api):
	case errors.As(err, &httpErr):
		api = &apiError{status: httpErr.Code, message: http.StatusText(httpErr.Code), cause: err}
	default:
		api = coreError(err, "")
	}
	dialect.LogFailure(d.log, c, api.status, api)
	if c.Response().Committed {
		return nil
	}
	if api.retryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(api.retryAfter))
	}
	return c.JSON(api.status, errorBody{Error: api.message})
}
