package adweb_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
)

// testMetacharacters: names full of LDAP filter and DN metacharacters are
// stored as given, found by exactly their name, and never match more.
func testMetacharacters(t *testing.T, s *stack) {
	f, c := s.f, s.f.dial(t)
	const ouName = `odd,ou=x+y<z>#;"\*(q)`
	userName := `m*(i)\c,h=a+e<l>#;"`
	if f.metaUser != "" {
		userName = f.metaUser
	}
	const password = "Meta-Chars-Pw-42"
	s.secrets = append(s.secrets, password)

	var ou struct {
		DistinguishedName string `json:"distinguishedName"`
		Name              string `json:"name"`
	}
	body, _ := json.Marshal(map[string]any{"newOuName": ouName, "fqdn": f.fqdn})
	s.call(t, http.MethodPost, "createparentou", string(body), &ou)
	if ou.Name != ouName || read(t, c, ou.DistinguishedName) == nil {
		t.Fatalf("OU %+v not in the directory", ou)
	}
	body, _ = json.Marshal(map[string]any{"createUser": map[string]any{"SamAccountName": userName, "UserPrincipalName": "meta@dart.org",
		"Password": password, "ouDN": ou.DistinguishedName, "FQDN": f.fqdn}})
	var user struct {
		DistinguishedName string `json:"distinguishedName"`
		SamAccountName    string `json:"samAccountName"`
	}
	s.call(t, http.MethodPost, "createuser", string(body), &user)
	if user.SamAccountName != userName || !equalDN(user.DistinguishedName, f.userDN(userName, ou.DistinguishedName)) {
		t.Errorf("created %+v", user)
	}
	if err := f.bind(t, user.DistinguishedName, password); err != nil {
		t.Errorf("bind as %s: %v", user.DistinguishedName, err)
	}
	var found struct {
		DistinguishedName string            `json:"distinguishedName"`
		Matches           []json.RawMessage `json:"matches"`
	}
	s.call(t, http.MethodGet, "getdn?FQDN="+f.fqdn+"&samAccountName="+url.QueryEscape(userName), "", &found)
	if !equalDN(found.DistinguishedName, user.DistinguishedName) || len(found.Matches) != 1 {
		t.Errorf("getdn(%q) %+v", userName, found)
	}
	for _, pattern := range []string{"m*", "*", `m\2a*`} {
		s.send(t, s.admin, http.MethodGet, "getdn?FQDN="+f.fqdn+"&samAccountName="+url.QueryEscape(pattern), "").
			refused(t, "getdn("+pattern+")", http.StatusNotFound, "NOT_FOUND")
	}
	var users []json.RawMessage
	s.call(t, http.MethodGet, "getusers?FQDN="+f.fqdn+"&ouDN="+url.QueryEscape(ou.DistinguishedName), "", &users)
	if len(users) != 1 {
		t.Errorf("getusers in the odd OU: %d users", len(users))
	}
}
