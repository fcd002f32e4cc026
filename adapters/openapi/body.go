package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/jsoncheck"
)

// Media types of request bodies.
const (
	mediaJSON      = "application/json"
	mediaJSONPatch = "application/json-patch+json"
)

// readJSON reads the request body as one JSON document, checking its media
// type (any JSON type, or none given) and its size.
func readJSON(c echo.Context) ([]byte, error) {
	if ct := c.Request().Header.Get(echo.HeaderContentType); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != mediaJSON && !strings.HasSuffix(mt, "+json")) {
			return nil, newError(http.StatusUnsupportedMediaType, "Content-Type must be %s", mediaJSON)
		}
	}
	raw, err := dialect.ReadBody(c)
	if err != nil {
		if errors.Is(err, dialect.ErrBodyTooLarge) {
			return nil, &apiError{status: http.StatusRequestEntityTooLarge, message: "request body too large", cause: err}
		}
		return nil, &apiError{status: http.StatusBadRequest, message: "could not read the request body", cause: err}
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, badRequest("a JSON request body is required")
	}
	// encoding/json would quietly turn invalid UTF-8 and lone surrogates
	// into U+FFFD, and store a value that was not sent.
	if err := jsoncheck.Text(raw); err != nil {
		return nil, badRequest("%s", err)
	}
	return raw, nil
}

// decodeBody decodes the request body into v: unknown fields, wrong types
// and trailing data are 400s naming the problem.
func decodeBody(c echo.Context, v any) error {
	raw, err := readJSON(c)
	if err != nil {
		return err
	}
	return decodeStrict(raw, v)
}

// decodeStrict decodes exactly one JSON value into v, refusing unknown
// object members.
func decodeStrict(raw []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return badRequest("unexpected data after the JSON value")
	}
	return nil
}

// jsonError says what is wrong with a body in terms of its fields.
func jsonError(err error) *apiError {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &apiError{status: http.StatusBadRequest, message: "malformed JSON: " + syntax.Error(), cause: err}
	case errors.As(err, &typ):
		if typ.Field == "" {
			return &apiError{status: http.StatusBadRequest, message: "the body must be " + jsonKind(typ.Type.Kind().String()), cause: err}
		}
		return &apiError{status: http.StatusBadRequest, message: typ.Field + ": must be " + jsonKind(typ.Type.Kind().String()), cause: err}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return &apiError{status: http.StatusBadRequest, message: "malformed JSON: unexpected end of input", cause: err}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return &apiError{status: http.StatusBadRequest, message: "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field "), cause: err}
	}
	return &apiError{status: http.StatusBadRequest, message: "malformed JSON", cause: err}
}

// jsonKind names a Go kind as JSON calls it.
func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "a string"
	case "bool":
		return "a boolean"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "int", "int64", "float64":
		return "a number"
	}
	return "of another type"
}
