package privacyidea

import (
	"bytes"
	"encoding/json"
	"errors"
	"mime"
	"mime/multipart"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/jsoncheck"
)

// param is one request parameter: a string, or a list where a JSON body
// gave one (mobile). badType names a JSON type that no parameter takes.
type param struct {
	values  []string
	list    bool
	badType string
}

// params are a request's parameters, merged as privacyIDEA's
// get_all_params does: the JSON body over the form body over the query
// string. Keys are case-sensitive.
type params map[string]param

// maxFormMemory bounds what a multipart form keeps in memory; the server
// has already bounded the body itself.
const maxFormMemory = 1 << 20

// readParams merges the query string and the body.
func readParams(c echo.Context) (params, *apiError) {
	p := params{}
	query, err := url.ParseQuery(c.Request().URL.RawQuery)
	if err != nil {
		return nil, parameterError("The query string is malformed.")
	}
	p.addForm(query)
	body, err := dialect.ReadBody(c)
	if errors.Is(err, dialect.ErrBodyTooLarge) {
		return nil, errBodyTooLarge
	}
	if err != nil {
		return nil, parameterError("The request body could not be read.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return p, nil
	}
	mediaType, mediaParams, _ := mime.ParseMediaType(c.Request().Header.Get(echo.HeaderContentType))
	switch {
	case mediaType == echo.MIMEApplicationForm:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, parameterError("The form body is malformed.")
		}
		p.addForm(form)
	case mediaType == echo.MIMEMultipartForm:
		form, err := multipart.NewReader(bytes.NewReader(body), mediaParams["boundary"]).ReadForm(maxFormMemory)
		if err != nil {
			return nil, parameterError("The form body is malformed.")
		}
		defer func() { _ = form.RemoveAll() }()
		p.addForm(form.Value)
	case mediaType == echo.MIMEApplicationJSON, strings.HasSuffix(mediaType, "+json"), mediaType == "":
		if apiErr := p.addJSON(body); apiErr != nil {
			return nil, apiErr
		}
	default:
		return nil, parameterError("The content type %q is not supported; send a form or JSON.", mediaType)
	}
	return p, nil
}

// addForm takes the first value of each key, as werkzeug's MultiDict does.
func (p params) addForm(form map[string][]string) {
	for k, vs := range form {
		if len(vs) > 0 {
			p[k] = param{values: []string{vs[0]}}
		}
	}
}

func (p params) addJSON(body []byte) *apiError {
	// encoding/json would quietly turn invalid UTF-8 and lone surrogates
	// into U+FFFD, and store a value that was not sent.
	if err := jsoncheck.Text(body); err != nil {
		return parameterError("%s", sentence(err))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return parameterError("The request body is not a JSON object.")
	}
	for k, raw := range obj {
		v, present := jsonParam(raw)
		if present {
			p[k] = v
		} else {
			delete(p, k) // JSON null: the key is absent, whatever the query said
		}
	}
	return nil
}

// jsonParam converts a JSON value; null is absent.
func jsonParam(raw json.RawMessage) (param, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return param{badType: "invalid"}, true
	}
	switch x := v.(type) {
	case nil:
		return param{}, false
	case string:
		return param{values: []string{x}}, true
	case json.Number:
		return param{values: []string{x.String()}}, true
	case bool:
		return param{badType: "a boolean"}, true
	case []any:
		out := param{list: true, values: make([]string, 0, len(x))}
		for _, e := range x {
			switch s := e.(type) {
			case string:
				out.values = append(out.values, s)
			case json.Number:
				out.values = append(out.values, s.String())
			default:
				return param{badType: "a list of non-strings"}, true
			}
		}
		return out, true
	default:
		return param{badType: "an object"}, true
	}
}

// str returns a single-valued parameter; an absent or empty one is "".
func (p params) str(key string) (string, *apiError) {
	v, ok := p[key]
	switch {
	case !ok:
		return "", nil
	case v.badType != "":
		return "", parameterError("Parameter %s must be a string, not %s.", key, v.badType)
	case v.list:
		return "", parameterError("Parameter %s must be a string, not a list.", key)
	}
	return v.values[0], nil
}

// required returns a parameter that must be given and not empty.
func (p params) required(key string) (string, *apiError) {
	s, err := p.str(key)
	if err != nil {
		return "", err
	}
	if s == "" {
		return "", missingParameter(key)
	}
	return s, nil
}

// list returns every value of a parameter that may be a list (mobile).
func (p params) list(key string) ([]string, *apiError) {
	v, ok := p[key]
	switch {
	case !ok:
		return nil, nil
	case v.badType != "":
		return nil, parameterError("Parameter %s must be a string or a list of strings, not %s.", key, v.badType)
	}
	return v.values, nil
}

// commaList splits a comma-separated parameter (or a JSON list),
// dropping empty entries; given says whether the key was there at all.
func (p params) commaList(key string) (out []string, given bool, err *apiError) {
	values, err := p.list(key)
	if err != nil {
		return nil, false, err
	}
	if _, given = p[key]; !given {
		return nil, false, nil
	}
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out, true, nil
}

// sentence writes an error as privacyIDEA's messages are written: a
// capital first and a full stop.
func sentence(err error) string {
	s := err.Error()
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:] + "."
}
