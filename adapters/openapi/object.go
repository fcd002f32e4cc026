package openapi

import (
	"bytes"
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

// MarshalJSON writes the members in order.
func (o object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		key, err := json.Marshal(m.key)
		if err != nil {
			return nil, err
		}
		val, err := json.Marshal(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(key)
		b.WriteByte(':')
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
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
