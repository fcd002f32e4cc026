package openapi

import (
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// field is one member of an entity (T is directory.User or
// directory.Group): how it is read from the directory's entry, which
// filter operators it takes and what it sorts by.
type field[T any] struct {
	name string
	// get reads the member's value (always, ifSet, ifTime make one).
	get    getter[T]
	filter map[string]dirCompile
	sort   directory.Field
}

// fieldList is an entity's members in the order of its schema.
type fieldList[T any] []field[T]

func (fs fieldList[T]) render(e *T) object {
	o := make(object, 0, len(fs))
	for _, f := range fs {
		if v, ok := f.get.value(e); ok {
			o = append(o, member{f.name, v})
		}
	}
	return o
}

func (fs fieldList[T]) names() []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.name
	}
	return out
}

func (fs fieldList[T]) filters() filterTable[directory.Filter] {
	t := filterTable[directory.Filter]{}
	for _, f := range fs {
		if f.filter != nil {
			t[f.name] = f.filter
		}
	}
	return t
}

func (fs fieldList[T]) sortable() map[string]directory.Field {
	m := map[string]directory.Field{}
	for _, f := range fs {
		if f.sort != "" {
			m[f.name] = f.sort
		}
	}
	return m
}

// getter reads a member of an entry.
type getter[T any] struct {
	// value returns the member's value, or false when the entry has none
	// (the member is then left out of the answer).
	value func(e *T) (any, bool)
	// appendTo, when set, appends the value as appendJSON(b, value)
	// would, without making it an interface value first; false (b as it
	// was) when the entry has none.
	appendTo func(b []byte, e *T) ([]byte, bool, error)
}

// appendValue appends the member's JSON value; false (b as it was) when
// the entry has none.
func (g getter[T]) appendValue(b []byte, e *T) ([]byte, bool, error) {
	if g.appendTo != nil {
		return g.appendTo(b, e)
	}
	v, ok := g.value(e)
	if !ok {
		return b, false, nil
	}
	b, err := appendJSON(b, v)
	return b, true, err
}

// never reads a member no entry has.
func never[T any]() getter[T] {
	return getter[T]{
		value:    func(*T) (any, bool) { return nil, false },
		appendTo: func(b []byte, _ *T) ([]byte, bool, error) { return b, false, nil },
	}
}

// always reads a member every entry has.
func always[T, V any](get func(e *T) V) getter[T] {
	g := getter[T]{value: func(e *T) (any, bool) { return get(e), true }}
	switch get := any(get).(type) {
	case func(*T) string:
		g.appendTo = func(b []byte, e *T) ([]byte, bool, error) {
			b, err := appendString(b, get(e))
			return b, true, err
		}
	case func(*T) bool:
		g.appendTo = func(b []byte, e *T) ([]byte, bool, error) { return appendBool(b, get(e)), true, nil }
	}
	return g
}

// ifSet reads a text member that is absent when empty.
func ifSet[T any](get func(e *T) string) getter[T] {
	return getter[T]{
		value: func(e *T) (any, bool) { v := get(e); return v, v != "" },
		appendTo: func(b []byte, e *T) ([]byte, bool, error) {
			v := get(e)
			if v == "" {
				return b, false, nil
			}
			b, err := appendString(b, v)
			return b, true, err
		},
	}
}

// ifTime reads a date-time member that is absent when zero.
func ifTime[T any](get func(e *T) time.Time) getter[T] {
	return getter[T]{
		value: func(e *T) (any, bool) { s, ok := timestamp(get(e)); return s, ok },
		appendTo: func(b []byte, e *T) ([]byte, bool, error) {
			t := get(e)
			if t.IsZero() {
				return b, false, nil
			}
			// timestamp's text, which is digits, '-', ':', 'T', '.' and 'Z'
			// only: appendString would write it as it is.
			b = append(b, '"')
			b = t.UTC().AppendFormat(b, time.RFC3339Nano)
			return append(b, '"'), true, nil
		},
	}
}
