package openapi

import (
	"encoding/json"
	"testing"
	"time"
)

// object renders every member exactly as json.Marshal would, on the fast
// path and off it.
func TestObjectMarshalsAsEncodingJSON(t *testing.T) {
	values := []any{
		"plain", "", "with \"quotes\"", `back\\slash`, "<script>&amp;", "tab\tnew\nline", "ünïcödé", "\u2028", "bad \xff utf-8",
		true, false, nil, 42, int64(-7), 1.5, []string{"a", "<b>"}, map[string]int{"x": 1}, time.Unix(0, 0).UTC(),
	}
	var o object
	for i, v := range values {
		o = append(o, member{key: string(rune('a'+i)) + "<&>", value: v})
	}
	got, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	// The same members as encoding/json writes them, one by one.
	want := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			want = append(want, ',')
		}
		k, _ := json.Marshal(m.key)
		v, _ := json.Marshal(m.value)
		want = append(append(append(want, k...), ':'), v...)
	}
	want = append(want, '}')
	if string(got) != string(want) {
		t.Errorf("object renders\n%s\nencoding/json renders\n%s", got, want)
	}
}

// BenchmarkUserPage renders a page of 1,000 users as GET /users answers
// it.
func BenchmarkUserPage(b *testing.B) {
	page := make([]object, 1000)
	for i := range page {
		u := user{ID: "7b6f1c2e-0d1a-4c1e-9a55-3c2f2b1d0e9a", Username: "u000042", DisplayName: "Load User 42",
			Mail: "u000042@example.com", HomeDirectory: "/home/u000042", Created: time.Unix(1700000000, 0), Modified: time.Unix(1700000000, 0)}
		page[i] = userFields.render(&u)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(map[string]any{"totalCount": 100000, "data": page}); err != nil {
			b.Fatal(err)
		}
	}
}
