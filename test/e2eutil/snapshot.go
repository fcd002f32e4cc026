package e2eutil

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Snapshot is a directory subtree read over LDAP: every entry by its
// normalized DN, with its attributes (lower-case names) and sorted values.
// Comparing two snapshots shows what a test changed, whatever dialect or
// code path changed it.
type Snapshot map[string]map[string][]string

// snapshotState are the operational attributes that hold an account's
// state (disabled, locked, must change); the rest of "+" changes without
// meaning anything (timestamps, CSNs, failure counts).
var snapshotState = []string{"pwdAccountLockedTime", "pwdReset"}

// TakeSnapshot reads every entry below base (base included) with its user
// attributes and account state.
func TakeSnapshot(tb testing.TB, c *ldap.Conn, base string) Snapshot {
	tb.Helper()
	req := ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", append([]string{"*"}, snapshotState...), nil)
	res, err := c.SearchWithPaging(req, 500)
	if err != nil {
		tb.Fatalf("snapshot of %s: %v", base, err)
	}
	s := Snapshot{}
	for _, e := range res.Entries {
		attrs := map[string][]string{}
		for _, a := range e.Attributes {
			vals := slices.Clone(a.Values)
			slices.Sort(vals)
			attrs[strings.ToLower(a.Name)] = vals
		}
		s[normalDN(e.DN)] = attrs
	}
	return s
}

func normalDN(dn string) string {
	if n, err := directory.NormalizeDN(dn); err == nil {
		return n
	}
	return strings.ToLower(dn)
}

// Diff lists what changed from s to after, one line per added, removed or
// changed entry, skipping entries ignore accepts and the attributes named
// in ignoreAttrs (e.g. an id allocator's counter).
func (s Snapshot) Diff(after Snapshot, ignore func(dn string) bool, ignoreAttrs ...string) []string {
	skipAttr := map[string]bool{}
	for _, a := range ignoreAttrs {
		skipAttr[strings.ToLower(a)] = true
	}
	var out []string
	for dn, was := range s {
		if ignore != nil && ignore(dn) {
			continue
		}
		now, ok := after[dn]
		if !ok {
			out = append(out, "removed "+dn)
			continue
		}
		for _, name := range unionKeys(was, now) {
			if !skipAttr[name] && !slices.Equal(was[name], now[name]) {
				out = append(out, fmt.Sprintf("changed %s: %s %s -> %s", dn, name, clip(was[name]), clip(now[name])))
			}
		}
	}
	for dn, now := range after {
		if _, ok := s[dn]; !ok && (ignore == nil || !ignore(dn)) {
			out = append(out, fmt.Sprintf("added %s (%d attributes)", dn, len(now)))
		}
	}
	slices.Sort(out)
	return out
}

// Values returns the values of attr of every entry that has it, by DN.
func (s Snapshot) Values(attr string) map[string][]string {
	out := map[string][]string{}
	for dn, attrs := range s {
		if v, ok := attrs[strings.ToLower(attr)]; ok {
			out[dn] = v
		}
	}
	return out
}

func unionKeys(a, b map[string][]string) []string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}

// clip keeps diff lines readable when a value is long (a 100 KiB probe).
func clip(vals []string) string {
	s := fmt.Sprintf("%q", vals)
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
