package scim

import (
	"reflect"
	"testing"

	filter "github.com/scim2/filter-parser/v2"
)

var simpleCorpus = []string{
	`userName eq "bjensen"`, `userName EQ "bjensen"`, `userName Eq "x"`, `name.familyName co "O'Malley"`,
	`userName sw "J"`, `title pr`, `title PR`, `externalId gt "m"`, `externalId ge "m"`, `meta.lastModified lt "2011-05-13T04:42:34Z"`,
	`userName eq "a\"b\\c"`, `userName eq "*)(uid=*"`, `userName eq ""`, `userName eq "é"`, `userName eq "a\/b\tc"`,
	`userName eq "x" and title pr`, `userName  eq "x"`, ` userName eq "x"`, `userName eq "x" `, `userName eq x`,
	`userName eq true`, `userName eq null`, `userName eq 1`, `emails[type eq "work"]`, `urn:x:y eq "1"`,
	`user_name eq "x"`, `user-name eq "x"`, `a1 eq "x"`, `1a eq "x"`, `userName eq "\u00e9"`, `userName xx "x"`,
	`userName eq "a"b"`, `userName pr x`, `name. eq "x"`, `name.given.x eq "x"`, `userName eq "\x"`, `$ref eq "x"`,
}

// TestSimpleFilterAgrees: wherever the fast path parses a filter, it
// builds exactly the library's AST.
func TestSimpleFilterAgrees(t *testing.T) {
	fast := 0
	for _, s := range simpleCorpus {
		checkSimple(t, s)
		if _, ok := parseSimple(s); ok {
			fast++
		}
	}
	if fast < 15 {
		t.Fatalf("the fast path took only %d filters of the corpus", fast)
	}
}

func checkSimple(t *testing.T, s string) {
	t.Helper()
	got, ok := parseSimple(s)
	if !ok {
		return
	}
	want, err := filter.ParseFilter([]byte(s))
	if err != nil {
		t.Fatalf("%q: the fast path parsed what the library refuses (%v)", s, err)
	}
	if !reflect.DeepEqual(filter.Expression(got), want) {
		t.Fatalf("%q: fast %#v, library %#v", s, got, want)
	}
}

func FuzzSimpleFilter(f *testing.F) {
	for _, s := range simpleCorpus {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkSimple(t, s) })
}
