package readmodel

import "github.com/dirgate/dirgate/pkg/directory"

// fieldSlots numbers the searchable fields of users and groups, so that an
// entry keeps its values in a slice (Entry.fields) instead of a map per
// entry: less memory, and no hashing on every entry a search passes.
var fieldSlots = func() map[directory.Field]int {
	m := map[directory.Field]int{}
	for _, fs := range [][]directory.Field{directory.UserFields, directory.GroupFields} {
		for _, f := range fs {
			if _, ok := m[f]; !ok {
				m[f] = len(m)
			}
		}
	}
	return m
}()

// slotValues turns an entry's Values into its fields slice.
func slotValues(values map[directory.Field][]string) [][]string {
	if len(values) == 0 {
		return nil
	}
	out := make([][]string, len(fieldSlots))
	for f, vs := range values {
		if i, ok := fieldSlots[f]; ok {
			out[i] = vs
		}
	}
	return out
}

// field returns an entry's values of the field in slot i.
func (e *Entry) field(i int) []string {
	if i < len(e.fields) {
		return e.fields[i]
	}
	return nil
}
