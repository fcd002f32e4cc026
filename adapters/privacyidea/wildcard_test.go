package privacyidea

import (
	"reflect"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestWildcardFilter(t *testing.T) {
	f := directory.FieldUsername
	for _, tc := range []struct {
		value string
		want  directory.Filter
		exact bool
	}{
		{"alice", directory.Eq(f, "alice"), true},
		{"*", directory.Present(f), true},
		{"**", directory.Present(f), true},
		{"al*", directory.StartsWith(f, "al"), true},
		{"*ic*", directory.Contains(f, "ic"), true},
		{"*ce", directory.Contains(f, "ce"), false},
		{"a*e", directory.And{directory.StartsWith(f, "a"), directory.Contains(f, "e")}, false},
		{"a*b*", directory.And{directory.StartsWith(f, "a"), directory.Contains(f, "b")}, false},
		{"*a*b*", directory.And{directory.Contains(f, "a"), directory.Contains(f, "b")}, false},
		// Filter metacharacters are literal pieces: the backend escapes them.
		{"a(b)*", directory.StartsWith(f, "a(b)"), true},
		{`x\y`, directory.Eq(f, `x\y`), true},
		{"nul\x00", directory.Eq(f, "nul\x00"), true},
	} {
		w := parseWildcard(tc.value)
		if got := w.filter(f); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("filter(%q) = %#v, want %#v", tc.value, got, tc.want)
		}
		if got := w.exact(); got != tc.exact {
			t.Errorf("exact(%q) = %v, want %v", tc.value, got, tc.exact)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, value string
		want           bool
	}{
		{"alice", "ALICE", true},
		{"alice", "alice2", false},
		{"*ce", "alice", true},
		{"*ce", "cecil", false},
		{"a*e", "alice", true},
		{"a*e", "alicia", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "acb", false},
		{"ab*b", "ab", false}, // the pieces may not overlap
		{"*", "", true},
		{"w*rdy", "WÖRDY", true},
		{"w*rdy", "wördys", false},
		{"w*rdy", "wördy", true},
		{"*ÖRDY", "wördy", true},
	} {
		if got := parseWildcard(tc.pattern).match(tc.value); got != tc.want {
			t.Errorf("match(%q, %q) = %v, want %v", tc.pattern, tc.value, got, tc.want)
		}
	}
}
