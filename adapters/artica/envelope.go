package artica

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// contentType is what Artica's REST service sends, spelled as it does.
const contentType = "application/json;charset=UTF-8"

// success is Artica's answer to an action (Data empty) or a read (Data
// set). Field order is Artica's.
type success struct {
	Status  bool   `json:"Status"`
	Info    string `json:"Info"`
	Error   string `json:"Error"`
	Version string `json:"Version"`
	Data    any    `json:"Data,omitempty"`
}

// failure is Artica's answer to anything that did not work: always HTTP
// 200 (403 for an authentication failure), Status false.
type failure struct {
	Status bool   `json:"Status"`
	Error  string `json:"Error"`
	Info   string `json:"Info"`
}

// authFailedMessage is Artica's text for a refused API key.
const authFailedMessage = "Authentication failed"

// writeJSON sends v pretty-printed with two spaces, as Artica does.
func writeJSON(c echo.Context, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only our own types are encoded; this cannot happen with them.
		return err
	}
	c.Response().Header().Set(echo.HeaderContentType, contentType)
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().WriteHeader(status)
	_, err := c.Response().Write(buf.Bytes())
	return err
}

// done answers a successful action, with info as Artica's Info text.
func (d *Dialect) done(c echo.Context, info string) error {
	return writeJSON(c, http.StatusOK, success{Status: true, Info: info, Version: d.version})
}

// data answers a successful read.
func (d *Dialect) data(c echo.Context, v any) error {
	return writeJSON(c, http.StatusOK, success{Status: true, Version: d.version, Data: v})
}

// doneWith answers a successful action that also returns something (the
// gid of a new group, the file of a new backup).
func (d *Dialect) doneWith(c echo.Context, info string, v any) error {
	return writeJSON(c, http.StatusOK, success{Status: true, Info: info, Version: d.version, Data: v})
}

// fail answers a failure with HTTP 200, as Artica does.
func fail(c echo.Context, message string) error {
	return writeJSON(c, http.StatusOK, failure{Error: message})
}

// tooManyRequests answers a throttled client (or a full hashing bound)
// with HTTP 429, unlike Artica's other failures: a client that reads only
// Status still sees a failure, and one that honours the status and
// Retry-After waits instead of retrying at once.
func tooManyRequests(c echo.Context, seconds int) error {
	c.Response().Header().Set("Retry-After", strconv.Itoa(seconds))
	return writeJSON(c, http.StatusTooManyRequests,
		failure{Error: "too many requests, retry after " + strconv.Itoa(seconds) + " seconds"})
}

// authFailed answers a refused TCP client.
func authFailed(c echo.Context) error {
	return writeJSON(c, http.StatusForbidden, failure{Error: authFailedMessage})
}
