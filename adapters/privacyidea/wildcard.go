package privacyidea

import (
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// wildcard is a search value where "*" stands for any run of characters,
// as in privacyIDEA's resolvers. Every other character is literal: the
// backend escapes the pieces when it builds the LDAP filter, so "(", ")",
// "\" and NUL only ever match themselves.
type wildcard struct {
	pieces []string // the literal text between the stars
}

func parseWildcard(v string) wildcard { return wildcard{pieces: strings.Split(v, "*")} }

func (w wildcard) literal() bool { return len(w.pieces) == 1 }

// filter is the server-side condition. The filter language has eq,
// startsWith and contains, so a pattern it cannot say exactly ("*son",
// "a*b*c") becomes a superset of its pieces, and exact() says the results
// need match() too. Either way the directory does the searching.
func (w wildcard) filter(f directory.Field) directory.Filter {
	if w.literal() {
		return directory.Eq(f, w.pieces[0])
	}
	var and directory.And
	for i, p := range w.pieces {
		switch {
		case p == "":
		case i == 0:
			and = append(and, directory.StartsWith(f, p))
		default:
			and = append(and, directory.Contains(f, p))
		}
	}
	if len(and) == 0 {
		return directory.Present(f) // only stars: any value, as (attr=*) in LDAP
	}
	if len(and) == 1 {
		return and[0]
	}
	return and
}

// exact reports whether filter says the pattern exactly: a literal, "a*",
// "*a*" or only stars.
func (w wildcard) exact() bool {
	n := len(w.pieces)
	if n == 1 {
		return true
	}
	last := w.pieces[n-1]
	middle := 0
	for _, p := range w.pieces[1 : n-1] {
		if p != "" {
			middle++
		}
	}
	switch {
	case last != "":
		return false // a suffix: nothing in the language anchors at the end
	case w.pieces[0] == "":
		return middle <= 1 // "*", "**", "*a*"
	default:
		return middle == 0 // "a*"
	}
}

// match tests a value against the pattern, ignoring case as LDAP's
// caseIgnoreMatch does.
func (w wildcard) match(value string) bool {
	v := strings.ToLower(value)
	n := len(w.pieces)
	first, last := strings.ToLower(w.pieces[0]), strings.ToLower(w.pieces[n-1])
	if n == 1 {
		return v == first
	}
	if !strings.HasPrefix(v, first) {
		return false
	}
	v = v[len(first):]
	for _, p := range w.pieces[1 : n-1] {
		p = strings.ToLower(p)
		i := strings.Index(v, p)
		if i < 0 {
			return false
		}
		v = v[i+len(p):]
	}
	return len(v) >= len(last) && strings.HasSuffix(v, last)
}
