package privacyideatest

import (
	"maps"
	"net/url"
	"slices"
	"strconv"
	"testing"
)

// entryKeys are the keys of a GET /user entry of the default attribute map.
var entryKeys = []string{"description", "editable", "email", "givenname", "mobile", "phone", "realm", "resolver", "surname", "userid", "username"}

func (s *suite) testList(t *testing.T) {
	p := "lst-" + suffix() + "-"
	a, b, c := p+"a", p+"b", p+"c"
	idA := s.create(t, Resolver, a, "List-Pw-1", url.Values{"givenname": {"Ann"}, "surname": {"Able"},
		"email": {a + "@example.org"}, "phone": {"+49 561 1"}, "mobile": {"+49 151 1"}, "description": {"first (a)"}})
	s.create(t, Resolver, b, "", url.Values{"email": {b + "@example.org"}})
	s.create(t, SalesResolver, c, "", nil)

	// One user, every key, real values; the userid is the directory's
	// uidNumber.
	r := s.list(t, s.admin, q("realm", Realm, "username", a))
	entries := r.entries(t)
	if len(entries) != 1 {
		t.Fatalf("realm+username: %s", r.raw)
	}
	e := entries[0]
	if got := slices.Sorted(maps.Keys(e)); !slices.Equal(got, entryKeys) {
		t.Errorf("entry keys = %v, want %v", got, entryKeys)
	}
	want := map[string]any{"userid": idA, "username": a, "givenname": "Ann", "surname": "Able", "email": a + "@example.org",
		"phone": "+49 561 1", "description": "first (a)", "resolver": Resolver, "realm": Realm, "editable": true}
	for k, v := range want {
		if e[k] != v {
			t.Errorf("%s = %#v, want %#v", k, e[k], v)
		}
	}
	if m, _ := e["mobile"].([]any); len(m) != 1 || m[0] != "+49 151 1" {
		t.Errorf("mobile = %#v, want the list [\"+49 151 1\"]", e["mobile"])
	}
	if dir := s.mustUser(t, a); strconv.FormatInt(dir.UIDNumber, 10) != idA || dir.Mail != a+"@example.org" {
		t.Errorf("directory: %+v, want uidNumber %s", dir, idA)
	}

	// A whole realm: no entry has a password key, mobile is always a list.
	for _, e := range s.list(t, s.admin, q("realm", Realm)).entries(t) {
		if _, ok := e["password"]; ok {
			t.Errorf("entry %v has a password key", e["username"])
		}
		if _, ok := e["mobile"].([]any); !ok {
			t.Errorf("entry %v: mobile = %#v, want a list", e["username"], e["mobile"])
		}
	}

	for _, tc := range []struct {
		name, query string
		want        []string
	}{
		{"username without realm", q("username", a), []string{a}},
		{"user wins over username", q("user", a, "username", b), []string{a}},
		{"prefix wildcard, all realms", q("username", p+"*"), []string{a, b, c}},
		{"prefix wildcard in a realm", q("username", p+"*", "realm", Realm), []string{a, b}},
		{"suffix wildcard", q("username", "*"+p[4:]+"b"), []string{b}},
		{"inner wildcard", q("username", p+"*b", "realm", Realm), []string{b}},
		{"realm list", q("username", p+"*", "realm", Realm+","+SalesRealm), []string{a, b, c}},
		{"resolver", q("username", p+"*", "resolver", SalesResolver), []string{c}},
		{"mapped field", q("email", a+"@example.org"), []string{a}},
		{"mapped field with wildcard", q("email", p+"*@example.org"), []string{a, b}},
		// LDAPIdResolver.getUserList raises ParameterError for a key its
		// map lacks, and get_user_list skips that resolver.
		{"a key the resolver does not map finds nothing", q("username", p+"*", "realm", Realm, "nosuchkey", "x"), nil},
		{"an unmapped key finds nothing even when empty", q("username", p+"*", "nosuchkey", ""), nil},
		// get_user_list ignores a resolver that is in no realm.
		{"unknown resolver without a realm finds nothing", q("resolver", "nosuchres"), nil},
		{"unknown resolver beside a realm lists the realm", q("username", p+"*", "realm", Realm, "resolver", "nosuchres"), []string{a, b}},
		{"unknown realm", q("realm", "nope-"+suffix()), nil},
		{"filter injection", q("username", "*)(uid=*"), nil},
		{"filter injection after a name", q("user", a+")(|(uid=*"), nil},
		{"backslash and NUL are literal", q("username", p+`\2a`+"\x00"), nil},
	} {
		r := s.list(t, s.admin, tc.query)
		if got := usernames(t, r); !slices.Equal(sorted(got), tc.want) {
			t.Errorf("%s (%s): got %v, want %v", tc.name, tc.query, got, tc.want)
		}
		if tc.want == nil {
			wantValue(t, tc.name, r, []any{})
		}
	}

	// attributes restricts the keys.
	for _, e := range s.list(t, s.admin, q("username", p+"*", "attributes", "username,email")).entries(t) {
		if got := slices.Sorted(maps.Keys(e)); !slices.Equal(got, []string{"email", "username"}) {
			t.Errorf("attributes=username,email: keys %v", got)
		}
	}

	// A read-only resolver lists, flagged not editable.
	es := s.list(t, s.admin, q("realm", ReadOnly, "username", Partner.Username)).entries(t)
	if len(es) != 1 || es[0]["editable"] != false || es[0]["resolver"] != ReadOnly {
		t.Errorf("read-only realm: %v", es)
	}

}

func sorted(s []string) []string { return slices.Sorted(slices.Values(s)) }
