package privacyidea

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
)

// The envelope privacyIDEA wraps every answer in (api/lib/utils.py
// send_result and send_error). Struct fields keep the original's key
// order, so a client diffing raw bodies sees what it saw before.

type successBody struct {
	ID            int           `json:"id"`
	JSONRPC       string        `json:"jsonrpc"`
	Result        successResult `json:"result"`
	Time          float64       `json:"time"`
	Version       string        `json:"version"`
	VersionNumber string        `json:"versionnumber"`
}

type successResult struct {
	Status bool `json:"status"`
	Value  any  `json:"value"`
}

// authResult is result of a successful POST /auth: prepare_result adds
// "authentication" whenever the id is above 1, and api/auth.py sends with
// rid=2.
type authResult struct {
	Authentication string `json:"authentication"`
	Status         bool   `json:"status"`
	Value          any    `json:"value"`
}

// errorBody has "detail": null and, unlike a success, no versionnumber:
// the original's send_error builds it that way.
type errorBody struct {
	ID      int         `json:"id"`
	JSONRPC string      `json:"jsonrpc"`
	Detail  any         `json:"detail"`
	Result  errorResult `json:"result"`
	Time    float64     `json:"time"`
	Version string      `json:"version"`
}

type errorResult struct {
	Status bool        `json:"status"`
	Error  errorDetail `json:"error"`
}

type errorDetail struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

// envelope writes answers stamped with the configured version.
type envelope struct {
	versionNumber string
	now           func() time.Time
}

func (e envelope) version() string { return "privacyIDEA " + e.versionNumber }

// epoch is Python's time.time(): seconds since the epoch as a float.
func (e envelope) epoch() float64 {
	return float64(e.now().UnixNano()) / float64(time.Second)
}

// ok writes a success envelope around value.
func (e envelope) ok(c echo.Context, value any) error {
	return writeJSON(c, http.StatusOK, successBody{
		ID: 1, JSONRPC: "2.0",
		Result:  successResult{Status: true, Value: value},
		Time:    e.epoch(),
		Version: e.version(), VersionNumber: e.versionNumber,
	})
}

// accepted writes the answer of a successful login: id 2 and
// result.authentication "ACCEPT", as privacyIDEA's /auth sends it.
func (e envelope) accepted(c echo.Context, value any) error {
	return writeJSON(c, http.StatusOK, struct {
		ID            int        `json:"id"`
		JSONRPC       string     `json:"jsonrpc"`
		Result        authResult `json:"result"`
		Time          float64    `json:"time"`
		Version       string     `json:"version"`
		VersionNumber string     `json:"versionnumber"`
	}{
		ID: authResponseID, JSONRPC: "2.0",
		Result:  authResult{Authentication: "ACCEPT", Status: true, Value: value},
		Time:    e.epoch(),
		Version: e.version(), VersionNumber: e.versionNumber,
	})
}

// authResponseID is the envelope id of /auth answers (rid=2 in api/auth.py).
const authResponseID = 2

// fail writes the error envelope of err.
func (e envelope) fail(c echo.Context, err *apiError) error {
	if err.retryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(err.retryAfter))
	}
	return writeJSON(c, err.status, errorBody{
		ID: 1, JSONRPC: "2.0", Detail: nil,
		Result:  errorResult{Status: false, Error: errorDetail{Code: err.code, Message: err.message}},
		Time:    e.epoch(),
		Version: e.version(),
	})
}

// writeJSON sends body with privacyIDEA's no-cache header, which the
// original sets on every response, errors included, unless the handler
// asked for no-store (noStore): no-cache still lets a cache keep a token.
func writeJSON(c echo.Context, status int, body any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	if h.Get(echo.HeaderCacheControl) == "" {
		h.Set(echo.HeaderCacheControl, "no-cache")
	}
	return c.JSONBlob(status, b)
}

// noStore marks an answer that carries a token: no cache along the way
// may keep it.
func noStore(c echo.Context) {
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
}
