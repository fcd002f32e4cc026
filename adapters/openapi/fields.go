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
	// get returns the member's value, or false when the entry has none
	// (the member is then left out of the answer).
	get    func(e *T) (any, bool)
	filter map[string]dirCompile
	sort   directory.Field
}

// fieldList is an entity's members in the order of its schema.
type fieldList[T any] []field[T]

func (fs fieldList[T]) render(e *T) object {
	o := make(object, 0, len(fs))
	for _, f := range fs {
		if v, ok := f.get(e); ok {
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

// always reads a member every entry has.
func always[T, V any](get func(e *T) V) func(*T) (any, bool) {
	return func(e *T) (any, bool) { return get(e), true }
}

// ifSet reads a text member that is absent when empty.
func ifSet[T any](get func(e *T) string) func(*T) (any, bool) {
	return func(e *T) (any, bool) { v := get(e); return v, v != "" }
}

// ifTime reads a date-time member that is absent when zero.
func ifTime[T any](get func(e *T) time.Time) func(*T) (any, bool) {
	return func(e *T) (any, bool) { s, ok := timestamp(get(e)); return s, ok }
}
