package openapi

import (
	"encoding/json"
	"slices"
	"time"
)

// object is a JSON object whose members keep the order of the entity's
// schema (encoding/json sorts map keys) and can be selected with fields and
// excludeFields.
type object []member

type member struct {
	key   string
	value any
}

// MarshalJSON writes the members in order. Keys, strings and booleans that
// encoding/json would write as they are (nearly all of them) are written
// directly: a listing of 1,000 users holds 15,000 members, and a
// json.Marshal of each was a third of dirgate's CPU in that request.
func (o object) MarshalJSON() ([]byte, error) {
	return o.appendJSON(make([]byte, 0, 32*len(o)+2))
}

// appendJSON appends the object as MarshalJSON writes it.
func (o object) appendJSON(b []byte) ([]byte, error) {
	b = append(b, '{')
	for i, m := range o {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendJSON(b, m.key); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if b, err = appendJSON(b, m.value); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendJSON appends v as json.Marshal renders it.
func appendJSON(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case string:
		return appendString(b, v)
	case bool:
		return appendBool(b, v), nil
	}
	enc, err := json.Marshal(v)
	return append(b, enc...), err
}

// appendString appends s as json.Marshal renders it.
func appendString(b []byte, s string) ([]byte, error) {
	if plainJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"'), nil
	}
	enc, err := json.Marshal(s)
	return append(b, enc...), err
}

// appendBool appends v as json.Marshal renders it.
func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, "true"...)
	}
	return append(b, "false"...)
}

// plainJSON reports whether json.Marshal writes s between quotes as it
// is: printable ASCII without the characters it escapes (the quote, the
// backslash, and <, > and & for HTML).
func plainJSON(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}

// selection is the fields/excludeFields of a request: which members an
// answer keeps.
type selection struct {
	only    []string // empty: every member
	exclude []string
}

func (s selection) keeps(key string) bool {
	if len(s.only) > 0 && !slices.Contains(s.only, key) {
		return false
	}
	return !slices.Contains(s.exclude, key)
}

// apply drops the members the selection does not keep.
func (s selection) apply(o object) object {
	if len(s.only) == 0 && len(s.exclude) == 0 {
		return o
	}
	out := make(object, 0, len(o))
	for _, m := range o {
		if s.keeps(m.key) {
			out = append(out, m)
		}
	}
	return out
}

// newSelection checks fields and excludeFields against the entity's field
// names.
func newSelection(only, exclude, known []string) (selection, error) {
	for _, list := range []struct {
		param string
		names []string
	}{{"fields", only}, {"excludeFields", exclude}} {
		for _, n := range list.names {
			if !slices.Contains(known, n) {
				return selection{}, badRequest("%s: unknown field %q", list.param, n)
			}
		}
	}
	return selection{only: only, exclude: exclude}, nil
}

// timestamp renders a directory time as RFC 3339 in UTC; a zero time is
// absent.
func timestamp(t time.Time) (string, bool) {
	if t.IsZero() {
		return "", false
	}
	return t.UTC().Format(time.RFC3339Nano), true
}
