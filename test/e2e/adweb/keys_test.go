package adweb_test

import (
	"net/http"
	"strings"
	"testing"
)

// testKeys: missing and wrong pairs are refused, a read-only key cannot
// write, a subtree key stays in its subtree — each checked in the
// directory afterwards.
func testKeys(t *testing.T, s *stack) {
	f, c := s.f, s.f.dial(t)
	dart, other := s.dn(dartRDN), s.dn(otherRDN)
	create := func(name, parent string) string {
		return `{"createUser":{"SamAccountName":"` + name + `","UserPrincipalName":"` + name + `@dart.org","Password":"Key-Test-Pw-42","ouDN":"` +
			parent + `","FQDN":"` + f.fqdn + `"}}`
	}
	s.secrets = append(s.secrets, "Key-Test-Pw-42")

	for _, k := range []struct {
		name string
		pair keyPair
	}{
		{"no headers", keyPair{}},
		{"wrong secret", keyPair{s.admin.key, s.admin.secret[:len(s.admin.secret)-1] + "x"}},
		{"secret of another key", keyPair{s.admin.key, s.reader.secret}},
		{"the seed's key", keyPair{"1Q3HKk8s9ggN9GubbSFSBG3YHA8Ei6ZBXRd0", "2OclwW0WjoSf00VfVDuGASH0ZpyD6n9o3"}},
	} {
		s.send(t, k.pair, http.MethodPost, "createuser", create("intruder", dart)).refused(t, k.name, http.StatusUnauthorized, "UNAUTHORIZED")
	}
	if read(t, c, f.userDN("intruder", dart)) != nil {
		t.Error("an unauthenticated createuser created a user")
	}

	// Read-only: reads work, writes are refused and change nothing.
	s.send(t, s.reader, http.MethodGet, "getdn?samAccountName=interfaceadmin&FQDN="+f.fqdn, "").ok(t, "read-only getdn")
	s.send(t, s.reader, http.MethodPost, "createuser", create("readonlyuser", dart)).refused(t, "read-only createuser", http.StatusForbidden, "FORBIDDEN")
	s.send(t, s.reader, http.MethodPost, "createparentou", `{"newOuName":"RO","fqdn":"`+f.fqdn+`"}`).refused(t, "read-only createparentou", http.StatusForbidden, "FORBIDDEN")
	if read(t, c, f.userDN("readonlyuser", dart)) != nil || read(t, c, s.dn("ou=RO")) != nil {
		t.Error("a read-only key wrote to the directory")
	}

	// Subtree key: inside ou=Other it works; outside it is refused.
	s.send(t, s.scoped, http.MethodPost, "createuser", create("scopedin", other)).ok(t, "subtree key inside")
	if read(t, c, f.userDN("scopedin", other)) == nil {
		t.Errorf("the subtree key could not create in its subtree")
	}
	s.send(t, s.scoped, http.MethodPost, "createuser", create("scopedout", dart)).refused(t, "subtree key outside", http.StatusForbidden, "FORBIDDEN")
	if read(t, c, f.userDN("scopedout", dart)) != nil {
		t.Error("the subtree key created a user outside its subtree")
	}
	s.send(t, s.scoped, http.MethodPost, "getuserinfo?userDN="+inQuery(f.userDN("scopedin", other))+"&FQDN="+f.fqdn, "").ok(t, "subtree key reads inside")
	a := s.send(t, s.scoped, http.MethodPost, "getusers?ouDN="+f.base+"&FQDN="+f.fqdn, "")
	if a.status != http.StatusOK || strings.Contains(a.body, `"samAccountName":"micheal"`) || !strings.Contains(a.body, "scopedin") {
		t.Errorf("the subtree key's getusers from the base: %s", a.body)
	}
}
