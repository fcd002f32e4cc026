package scim_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// TestFilterInjection: every metacharacter of an LDAP filter (and of a
// SCIM string) in a filter value matches itself, literally, on slapd; a
// value crafted to widen the filter matches nothing; nothing changes in
// the directory.
func TestFilterInjection(t *testing.T) {
	s := start(t)
	odd := `a*b(c)\d"e` + "\u00e9/,+=<>;#"
	body, _ := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		"userName": "odd", "title": odd, "displayName": "*"})
	r := s.do(t, http.MethodPost, "/Users", string(body))
	expect(t, r, http.StatusCreated)
	oddID := r.doc(t)["id"].(string)
	expect(t, s.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "plain", "title": "plain", "displayName": "plain"}`), http.StatusCreated)
	entries := s.count(t, "(objectClass=*)")

	search := func(filter string) []string {
		t.Helper()
		b, _ := json.Marshal(map[string]any{"schemas": []string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"}, "filter": filter})
		r := s.do(t, http.MethodPost, "/Users/.search", string(b))
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", filter, r.status, r.body)
		}
		_, ids := totalResults(t, r)
		return ids
	}
	quoted := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	for _, f := range []string{
		`title eq ` + quoted(odd),
		`title co ` + quoted(`*b(c)\d`),
		`title sw ` + quoted(`a*b(`),
		`title ew ` + quoted(`#`),
		`displayName eq "*"`,
		`emails[value eq "x"] or title eq ` + quoted(odd),
	} {
		if got := search(f); len(got) != 1 || got[0] != oddID {
			t.Errorf("%s matched %v, want only odd", f, got)
		}
	}
	for _, f := range []string{
		`userName eq "*"`,
		`userName eq "*)(uid=*"`,
		`userName eq "plain)(|(uid=*"`,
		`title eq "a*"`,
		`displayName co "\\2a"`,
		`userName eq "odd\u0000"`, // escaped as \00: a NUL matches itself, never cuts the value short
	} {
		if got := search(f); len(got) != 0 {
			t.Errorf("%s matched %v, want nothing", f, got)
		}
	}
	if n := s.count(t, "(objectClass=*)"); n != entries {
		t.Fatalf("the searches changed the directory: %d entries, were %d", n, entries)
	}
}
