package scim

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

// A document is a resource as JSON, its attribute names in lower case
// (they are case-insensitive, RFC 7643 section 2.1), an Enterprise
// attribute written with its URN ("urn:…:enterprise:2.0:User:department")
// moved into the extension's object and a core URN prefix dropped. Bodies
// and PATCH values are read as documents, so every spelling a client
// sends means one thing.
type document = map[string]any

// readBody reads a request body as JSON, in the SCIM envelope when it is
// too large or malformed.
func readBody(c echo.Context) ([]byte, error) {
	b, err := dialect.ReadBody(c)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, badRequest(typeInvalidSyntax, "a JSON body is required")
	}
	return b, nil
}

// readDocument reads a body that must be a JSON object.
func readDocument(c echo.Context, core string) (document, error) {
	b, err := readBody(c)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, badRequest(typeInvalidSyntax, "the body is not valid JSON: %v", jsonProblem(err))
	}
	doc, ok := normalize(v, core, true).(document)
	if !ok {
		return nil, badRequest(typeInvalidSyntax, "the body must be a JSON object")
	}
	return doc, nil
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	return "malformed JSON"
}

// normalize lower-cases the keys of v's objects; at the top of a
// resource (top) it also gathers URN-qualified attributes.
func normalize(v any, core string, top bool) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(document, len(t))
		for k, val := range t {
			lk := strings.ToLower(k)
			val = normalize(val, core, false)
			if top {
				if attr, ok := strings.CutPrefix(lk, enterpriseKey+":"); ok {
					ext, _ := out[enterpriseKey].(document)
					if ext == nil {
						ext = document{}
						out[enterpriseKey] = ext
					}
					setDotted(ext, attr, val)
					continue
				}
				if attr, ok := strings.CutPrefix(lk, strings.ToLower(core)+":"); ok {
					setDotted(out, attr, val)
					continue
				}
			}
			if lk == enterpriseKey {
				if existing, ok := out[enterpriseKey].(document); ok {
					if m, ok := val.(document); ok {
						for mk, mv := range m {
							existing[mk] = mv
						}
						continue
					}
				}
			}
			out[lk] = val
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, el := range t {
			out[i] = normalize(el, core, false)
		}
		return out
	}
	return v
}

// setDotted sets "name.givenname" as a sub-attribute.
func setDotted(doc document, attr string, val any) {
	name, sub, dotted := strings.Cut(attr, ".")
	if !dotted {
		doc[name] = val
		return
	}
	inner, _ := doc[name].(document)
	if inner == nil {
		inner = document{}
		doc[name] = inner
	}
	inner[sub] = val
}

// toDocument turns a rendered resource into a document.
func toDocument(res any, core string) (document, error) {
	b, err := json.Marshal(res)
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	doc, _ := normalize(v, core, true).(document)
	return doc, nil
}
