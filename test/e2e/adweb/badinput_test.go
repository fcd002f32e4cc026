package adweb_test

import (
	"net/http"
	"strings"
	"testing"
)

// testBadInput: clear errors in the envelope, and nothing in the directory.
func testBadInput(t *testing.T, s *stack) {
	f, c := s.f, s.f.dial(t)
	dart := s.dn(dartRDN)
	user := func(name, password, ou string, custom string) string {
		return `{"createUser":{"SamAccountName":"` + name + `","UserPrincipalName":"` + name + `@dart.org","Password":"` + password +
			`","ouDN":"` + ou + `","FQDN":"` + f.fqdn + `"},"customAttributes":{` + custom + `}}`
	}
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
		want                     string
	}{
		{"missing field", http.MethodPost, "createuser", `{"createUser":{"SamAccountName":"bad1","FQDN":"` + f.fqdn + `"}}`, 400, "MISSING_FIELD", "UserPrincipalName is required"},
		{"malformed JSON", http.MethodPost, "createuser", `{"createUser":{`, 400, "INVALID_JSON", ""},
		{"DN that does not parse", http.MethodPost, "createuser", user("bad2", "Good-Pass-99", "OU=Dart,,DC", ""), 400, "INVALID_DN", "ouDN"},
		{"DN outside the domain", http.MethodPost, "createuser", user("bad3", "Good-Pass-99", "OU=Dart,DC=evil,DC=com", ""), 400, "DN_OUTSIDE_DOMAIN", "outside the domain"},
		{"power attribute", http.MethodPost, "createuser", user("bad4", "Good-Pass-99", dart, `"objectClass":"organizationalRole"`), 400, "ATTRIBUTE_NOT_ALLOWED", "objectClass"},
		{"password attribute", http.MethodPost, "createuser", user("bad5", "Good-Pass-99", dart, `"userPassword":"{CLEARTEXT}x"`), 400, "ATTRIBUTE_NOT_ALLOWED", "userPassword"},
		{"membership attribute", http.MethodPost, "createuser", user("bad6", "Good-Pass-99", dart, `"memberOf":"`+s.dn(groupRDN)+`"`), 400, "ATTRIBUTE_NOT_ALLOWED", "memberOf"},
		{"password policy", http.MethodPost, "createuser", user("bad7", "12345", dart, ""), 422, "PASSWORD_POLICY", "at least 6 characters"},
		{"unknown domain", http.MethodPost, "getdn?samAccountName=micheal&FQDN=dart@org", "", 400, "UNKNOWN_DOMAIN", "dart@org"},
		{"unknown user", http.MethodPost, "getuserinfo?userDN=" + f.userDN("nobody", dart) + "&FQDN=" + f.fqdn, "", 404, "USER_NOT_FOUND", ""},
		{"filter characters", http.MethodPost, "getdn?samAccountName=*)(objectClass=*&FQDN=" + f.fqdn, "", 404, "NOT_FOUND", ""},
		{"wrong method", http.MethodGet, "createuser", "", 405, "METHOD_NOT_ALLOWED", ""},
		{"unknown endpoint", http.MethodPost, "deleteuser", "{}", 404, "ENDPOINT_NOT_FOUND", "deleteuser"},
		{"oversized body", http.MethodPost, "createuser", user("bad8", "Good-Pass-99", dart, `"pager":"`+strings.Repeat("x", 2<<20)+`"`), 413, "BODY_TOO_LARGE", ""},
	}
	for _, tc := range cases {
		a := s.send(t, s.admin, tc.method, tc.path, tc.body)
		a.refused(t, tc.name, tc.status, tc.code)
		if !strings.Contains(a.Message, tc.want) {
			t.Errorf("%s: message %q lacks %q", tc.name, a.Message, tc.want)
		}
	}
	for _, name := range []string{"bad1", "bad2", "bad3", "bad4", "bad5", "bad6", "bad7", "bad8"} {
		if read(t, c, f.userDN(name, dart)) != nil {
			t.Errorf("a refused createuser left %s behind", name)
		}
	}
	if !s.proc.Running() {
		t.Fatal("dirgate died")
	}
}
