package injection_test

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// literalResults: the seeded account named "lit*)(uid=*" is found by
// exactly its name (and by the literal pieces of it) through every
// dialect that searches, and by nothing else: the correct literal
// result, not just the absence of a wrong one.
func (s *stackOf) literalResults(t *testing.T, piToken, oaToken string) {
	name := hostile.Literal.Username
	want := []string{name}
	for _, c := range []struct {
		what    string
		c       call
		results func(hostile.Reply) []string
	}{
		{"adweb getdn", call{method: http.MethodGet, url: s.URL + "/restapi/getdn?FQDN=example.com&samAccountName=" + url.QueryEscape(name), auth: s.adwebAuth}, adwebNames},
		{"kanboard getUserByName", s.kbCall("getUserByName", `{"username":`+jsonString(name)+`}`), nil},
		// privacyIDEA's "*" is a wildcard: "lit*)(uid=*" is "lit", then ")(uid=".
		{"privacyidea username", call{method: http.MethodGet, url: s.URL + "/user/?realm=corp&username=" + url.QueryEscape(name), auth: piAuth(piToken)}, piValues("username")},
		{"openapi userName EQ", call{method: http.MethodGet, url: s.URL + "/api/users?filter[userName][EQ]=" + url.QueryEscape(name), auth: oaAuth(oaToken)}, oaValues("userName")},
		{"openapi userName CO", call{method: http.MethodGet, url: s.URL + "/api/users?filter[userName][CO]=" + url.QueryEscape(")(uid=*"), auth: oaAuth(oaToken)}, oaValues("userName")},
		{"openapi userName SW", call{method: http.MethodGet, url: s.URL + "/api/users?filter[userName][SW]=" + url.QueryEscape("lit*)"), auth: oaAuth(oaToken)}, oaValues("userName")},
		{"openapi principals name IN", call{method: http.MethodGet, url: s.URL + "/api/principals?filter[name][IN]=" + url.QueryEscape(name+",*"), auth: oaAuth(oaToken)}, oaValues("name")},
	} {
		r := s.send(t, c.c, "")
		results := c.results
		if results == nil {
			results = kbUsername
		}
		if got := results(r); !slices.Equal(got, want) {
			t.Errorf("%s %q: %q, want exactly %q (HTTP %d %s)", c.what, name, got, want, r.Status, clipBody(r.Body))
		}
	}
}
