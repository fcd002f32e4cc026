package ldap

import (
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Samba canonicalises the chunks of a substring filter as it does values
// for equality: case folded, and spaces at the edges dropped. So
// "(sAMAccountName=* *)" finds nothing and "(sAMAccountName=x *)" finds
// every name starting with x. Where the profile says so, such a condition
// is sent without its edge spaces, which makes the server's answer a
// superset, and each result is then checked against the exact condition
// (case-insensitively, as the server compares). That is exact wherever
// every result must satisfy the condition (at the top of the filter or
// inside And); inside Or or Not a superset would be wrong, so there the
// server's own meaning stands.

// recheck is one condition to check on the results.
type recheck struct {
	attrs []string // any of them may hold the value
	op    directory.Op
	value string
}

// widened reports whether c is a substring condition the server would
// fold, in a place where it can be widened and rechecked.
func (fc *filterCompiler) widened(c directory.Cond) bool {
	if !fc.d.prof.foldsEdgeSpaces || fc.loose > 0 || len(c.Values) != 1 {
		return false
	}
	if c.Op != directory.OpContains && c.Op != directory.OpStartsWith {
		return false
	}
	return c.Values[0] != strings.Trim(c.Values[0], " ")
}

// substring returns the value a substring condition is sent with.
func (fc *filterCompiler) substring(c directory.Cond) string {
	if fc.widened(c) {
		return strings.Trim(c.Values[0], " ")
	}
	return c.Values[0]
}

// keep reports whether e satisfies every recheck.
func keep(rechecks []recheck, e *ldap.Entry) bool {
	for _, r := range rechecks {
		if !r.matches(e) {
			return false
		}
	}
	return true
}

func (r recheck) matches(e *ldap.Entry) bool {
	want := strings.ToLower(r.value)
	for _, a := range r.attrs {
		for _, v := range e.GetEqualFoldAttributeValues(a) {
			v = strings.ToLower(v)
			if r.op == directory.OpStartsWith && strings.HasPrefix(v, want) ||
				r.op == directory.OpContains && strings.Contains(v, want) {
				return true
			}
		}
	}
	return false
}

func hasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }
