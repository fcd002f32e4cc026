package artica

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/jsoncheck"
)

// maxBody bounds a request body even when the server's limit is larger:
// Artica's bodies are a handful of short fields.
const maxBody = 64 << 10

// errBadRequest marks a request the adapter refuses before calling the
// core; its text is shown to the client as it is.
var errBadRequest = errors.New("bad request")

func badRequest(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errBadRequest, fmt.Sprintf(format, args...))
}

// clientMessage is the text of an error made by badRequest.
func clientMessage(err error) string {
	return strings.TrimPrefix(err.Error(), errBadRequest.Error()+": ")
}

// decodeBody reads the JSON object of a request into v. Malformed JSON,
// wrong types, a missing or oversized body, and trailing data are refused
// with a message fit for the client.
func decodeBody(c echo.Context, v any) error {
	req := c.Request()
	req.Body = http.MaxBytesReader(c.Response(), req.Body, maxBody)
	body, err := dialect.ReadBody(c)
	if errors.Is(err, dialect.ErrBodyTooLarge) {
		return badRequest("request body too large")
	}
	if err != nil {
		return badRequest("could not read the request body")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return badRequest("a JSON object is expected in the request body")
	}
	// encoding/json would quietly store U+FFFD for invalid UTF-8 and lone
	// surrogates, so a value would not be what was sent.
	if err := jsoncheck.Text(body); err != nil {
		return badRequest("%s", err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return badRequest("%s", jsonProblem(err))
	}
	if dec.More() {
		return badRequest("malformed JSON: unexpected data after the object")
	}
	return nil
}

// jsonProblem describes a decoding error without Go type names.
func jsonProblem(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, errBadRequest):
		return clientMessage(err)
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		if typ.Field == "" {
			return "a JSON object is expected in the request body"
		}
		return fmt.Sprintf("%s must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
	default:
		return "malformed JSON"
	}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "int64", "int", "uint64":
		return "a number"
	case "bool":
		return "true or false"
	case "map", "struct":
		return "an object"
	default:
		return "a " + goKind
	}
}

// param returns a path parameter, unescaped exactly once: echo gives it
// escaped when the request path needed its raw form, unescaped otherwise.
func param(c echo.Context, name string) (string, error) {
	v := c.Param(name)
	if c.Request().URL.RawPath == "" {
		return v, nil
	}
	u, err := url.PathUnescape(v)
	if err != nil {
		return "", badRequest("%s: invalid escape in the path", name)
	}
	return u, nil
}

// uidParam returns the {uid} of the path, checked as a login.
func uidParam(c echo.Context) (string, error) {
	uid, err := param(c, "uid")
	if err != nil {
		return "", err
	}
	if err := checkName(uid); err != nil {
		return "", badRequest("uid %q %s", uid, err)
	}
	return uid, nil
}

// gidParam returns the {gid} of the path: a positive gidNumber.
func gidParam(c echo.Context) (int64, error) {
	raw, err := param(c, "gid")
	if err != nil {
		return 0, err
	}
	gid, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || gid <= 0 {
		return 0, badRequest("gid %q is not a positive number", raw)
	}
	return gid, nil
}

// gidNumber is a JSON gid given as a number or a numeric string (Artica's
// PHP clients send both).
type gidNumber int64

// UnmarshalJSON accepts 5005, "5005", 0 and null (0).
func (g *gidNumber) UnmarshalJSON(b []byte) error {
	s := string(bytes.TrimSpace(b))
	if s == "null" {
		*g = 0
		return nil
	}
	if unq, err := strconv.Unquote(s); err == nil {
		s = strings.TrimSpace(unq)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return badRequest("gpid must be a group's gidNumber (0 for the organization's default group)")
	}
	*g = gidNumber(n)
	return nil
}
