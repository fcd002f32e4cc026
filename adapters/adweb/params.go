package adweb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/dirgate/dirgate/internal/jsoncheck"
)

// object is a JSON object (or the query string) as AD Web reads it: keys
// match case-insensitively ("FQDN" = "fqdn", as ASP.NET model binding
// does) and a key given twice keeps its last value. The original spelling
// of each key is kept for customAttributes, whose keys are attribute names.
//
// Values are string, bool, json.Number, nil, *object or []any.
type object struct {
	order []string          // lower-case keys, in order of first appearance
	vals  map[string]any    // by lower-case key
	names map[string]string // lower-case key → the spelling last used
}

func newObject() *object {
	return &object{vals: map[string]any{}, names: map[string]string{}}
}

func (o *object) set(key string, v any) {
	lk := strings.ToLower(key)
	if _, ok := o.vals[lk]; !ok {
		o.order = append(o.order, lk)
	}
	o.vals[lk] = v
	o.names[lk] = key
}

// has reports whether the key is present (even with a null value).
func (o *object) has(key string) bool {
	if o == nil {
		return false
	}
	_, ok := o.vals[strings.ToLower(key)]
	return ok
}

func (o *object) get(key string) any {
	if o == nil {
		return nil
	}
	return o.vals[strings.ToLower(key)]
}

// each calls f for every key in order, with the key's original spelling.
func (o *object) each(f func(name string, v any) error) error {
	if o == nil {
		return nil
	}
	for _, lk := range o.order {
		if err := f(o.names[lk], o.vals[lk]); err != nil {
			return err
		}
	}
	return nil
}

// maxDepth bounds nesting: AD Web bodies are two levels deep, and a deeper
// document is either a mistake or an attack on the decoder.
const maxDepth = 16

var errNotObject = errors.New("the body must be a JSON object")

// parseBody decodes a JSON object body. An empty body is an empty object.
func parseBody(body []byte) (*object, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return newObject(), nil
	}
	// encoding/json would quietly turn invalid UTF-8 and lone surrogates
	// into U+FFFD, and the value stored would not be the one sent.
	if err := jsoncheck.Text(body); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("unexpected data after the JSON object")
	}
	obj, ok := v.(*object)
	if !ok {
		return nil, errNotObject
	}
	return obj, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("the body is nested deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			obj := newObject()
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, errors.New("object key is not a string")
				}
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				obj.set(key, v)
			}
			_, err := dec.Token() // '}'
			return obj, err
		case '[':
			var list []any
			for dec.More() {
				v, err := decodeValue(dec, depth+1)
				if err != nil {
					return nil, err
				}
				list = append(list, v)
			}
			_, err := dec.Token() // ']'
			return list, err
		default:
			return nil, fmt.Errorf("unexpected %v", t)
		}
	default:
		return t, nil
	}
}

// describe names a JSON value's type for error messages.
func describe(v any) string {
	switch v.(type) {
	case *object:
		return "an object"
	case []any:
		return "an array"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	default:
		return "a string"
	}
}

// text reads a string field. Absent and null are "". Numbers and booleans
// are taken as their text, as lenient .NET binders do (a postalCode sent
// as 54561); objects and arrays are refused.
func text(o *object, field string) (string, error) {
	return asText(field, o.get(field))
}

func asText(field string, v any) (string, error) {
	var s string
	switch t := v.(type) {
	case nil:
		return "", nil
	case string:
		s = t
	case json.Number:
		s = t.String()
	case bool:
		s = fmt.Sprint(t)
	default:
		return "", badRequest(codeInvalidField, "%s must be a string, not %s", field, describe(v))
	}
	if !utf8.ValidString(s) {
		return "", badRequest(codeInvalidField, "%s is not valid UTF-8", field)
	}
	if strings.ContainsRune(s, 0) {
		return "", badRequest(codeInvalidField, "%s must not contain NUL", field)
	}
	return s, nil
}

// requiredText reads a string field that must not be empty.
func requiredText(o *object, field string) (string, error) {
	s, err := text(o, field)
	if err != nil {
		return "", err
	}
	if strings.TrimSpace(s) == "" {
		return "", missing(field)
	}
	return s, nil
}

// flag reads a boolean that may arrive as a JSON boolean or as a string
// ("true", "False", "1", "0"), as AD Web's clients send it. Absent, null and
// "" are false.
func flag(o *object, field string) (bool, error) {
	switch t := o.get(field).(type) {
	case nil:
		return false, nil
	case bool:
		return t, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(t)) {
		case "true", "1", "yes":
			return true, nil
		case "false", "0", "no", "":
			return false, nil
		}
	case json.Number:
		switch t.String() {
		case "1":
			return true, nil
		case "0":
			return false, nil
		}
	}
	return false, badRequest(codeInvalidField, "%s must be true or false", field)
}

// nested reads an object-valued field (createUser, customAttributes).
// Absent or null is nil.
func nested(o *object, field string) (*object, error) {
	switch t := o.get(field).(type) {
	case nil:
		return nil, nil
	case *object:
		return t, nil
	default:
		return nil, badRequest(codeInvalidField, "%s must be an object, not %s", field, describe(t))
	}
}
