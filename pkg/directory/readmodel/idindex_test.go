package readmodel

import (
	"slices"
	"testing"
)

// TestIDIndex: an idIndex answers as the map of slices it replaces —
// order of addition, duplicates kept, remove dropping every occurrence,
// and a key moving between one id and several.
func TestIDIndex(t *testing.T) {
	x := newIDIndex[string]()
	want := map[string][]string{}
	step := func(op string, k, id string) {
		t.Helper()
		switch op {
		case "add":
			x.add(k, id)
			want[k] = append(want[k], id)
		case "remove":
			x.remove(k, id)
			want[k] = without(want[k], id)
			if len(want[k]) == 0 {
				delete(want, k)
			}
		}
		for _, key := range []string{"a", "b"} {
			var buf [1]string
			if got := x.get(key, &buf); !slices.Equal(got, want[key]) {
				t.Fatalf("after %s(%s, %s): get(%s) = %v, want %v", op, k, id, key, got, want[key])
			}
		}
		if len(x.one)+len(x.more) != len(want) {
			t.Fatalf("after %s(%s, %s): %d keys held, want %d", op, k, id, len(x.one)+len(x.more), len(want))
		}
	}
	step("add", "a", "1")
	step("add", "b", "1")
	step("add", "a", "2")
	step("add", "a", "1")
	step("add", "a", "3")
	step("remove", "a", "1")
	step("remove", "a", "9")
	step("remove", "a", "2")
	step("add", "a", "4")
	step("remove", "a", "3")
	step("remove", "a", "4")
	step("remove", "b", "2")
	step("remove", "b", "1")
	if len(x.one) != 0 || len(x.more) != 0 {
		t.Fatalf("empty index holds %v %v", x.one, x.more)
	}
}
