package injection_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// privacyIDEA's victim user.
const (
	piVictim   = "pi-victim"
	piVictimDN = "uid=" + piVictim + "," + hostile.PeopleDN
	piPassword = "PI-Inj-Pw-9a8b7c6d"
)

// piPrepare logs the admin in and creates the victim; it returns the
// admin's token and the victim's userid.
func (s *stackOf) piPrepare(t *testing.T) (token, userid string) {
	t.Helper()
	s.Leaks.Secret(piPassword)
	r := s.send(t, call{method: http.MethodPost, url: s.URL + "/auth",
		body: `{"username":"root","password":"` + hostile.Root.Password + `"}`}, "")
	var auth struct {
		Result struct {
			Value struct{ Token string }
		}
	}
	if json.Unmarshal(r.Body, &auth) != nil || auth.Result.Value.Token == "" {
		t.Fatalf("privacyIDEA login: %s", r.Body)
	}
	token = auth.Result.Value.Token
	r = s.send(t, call{method: http.MethodPost, url: s.URL + "/user/", auth: piAuth(token),
		body: `{"user":"` + piVictim + `","resolver":"people","password":"` + piPassword + `"}`}, "")
	var created struct {
		Result struct{ Value string }
	}
	if json.Unmarshal(r.Body, &created) != nil || created.Result.Value == "" {
		t.Fatalf("privacyIDEA victim: %s", r.Body)
	}
	return token, created.Result.Value
}

func piAuth(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("PI-Authorization", token) }
}

// privacyIDEAProbes: /auth, and every parameter of /user with an admin
// token; search values keep "*" as privacyIDEA's wildcard.
func (s *stackOf) privacyIDEAProbes(token, victimID string) []*probe {
	auth := piAuth(token)
	body := func(method, b string) call {
		return call{method: method, url: s.URL + "/user/", body: b, auth: auth}
	}
	newProbe := func(name string, k kind, c call, base, attr string) *probe {
		p := s.probeOf("privacyidea", name, k, c)
		p.base, p.attr = base, attr
		return p
	}
	fixed := s.removing("uid=pi-fixed," + hostile.PeopleDN)
	with := func(p *probe, cleanup func(*testing.T, bool), wrap func(string) string) *probe {
		p.cleanup, p.wrap = cleanup, wrap
		return p
	}
	victim := `"user":"` + piVictim + `","resolver":"people"`
	probes := []*probe{
		newProbe("POST /auth username", lookup, call{method: http.MethodPost, url: s.URL + "/auth", body: `{"username":{J},"password":"` + hostile.Alice.Password + `"}`}, "", ""),
		pw(with(newProbe("POST /auth password", lookup, call{method: http.MethodPost, url: s.URL + "/auth", body: `{"username":"alice","password":{J}}`}, "", ""), nil, nil)),
		newProbe("POST /auth realm", lookup, call{method: http.MethodPost, url: s.URL + "/auth", body: `{"username":"alice","password":"` + hostile.Alice.Password + `","realm":{J}}`}, "", ""),
		newProbe("GET /user attributes", opaque, call{method: http.MethodGet, url: s.URL + "/user/?realm=corp&attributes={Q}", auth: auth}, "", ""),
		newProbe("POST /user user", create, body(http.MethodPost, `{"user":{J},"resolver":"people"}`), hostile.PeopleDN, "uid"),
		with(newProbe("POST /user resolver", lookup, body(http.MethodPost, `{"user":"pi-fixed","resolver":{J}}`), "", ""), fixed, nil),
		pw(with(newProbe("POST /user password", secret, body(http.MethodPost, `{"user":"pi-fixed","resolver":"people","password":{J}}`), "", ""), fixed, nil)),
		newProbe("PUT /user user", lookup, body(http.MethodPut, `{"user":{J},"resolver":"people","description":"changed"}`), "", ""),
		newProbe("PUT /user userid", lookup, body(http.MethodPut, `{"userid":{J},"resolver":"people","description":"changed"}`), "", ""),
		newProbe("PUT /user user (rename)", rename, body(http.MethodPut, `{"userid":"`+victimID+`","user":{J},"resolver":"people"}`), piVictimDN, "uid"),
		newProbe("PUT /user resolver", lookup, body(http.MethodPut, `{"user":"`+piVictim+`","resolver":{J},"description":"changed"}`), "", ""),
		pw(with(newProbe("PUT /user password", secret, body(http.MethodPut, `{`+victim+`,"password":{J}}`), "", ""), nil, nil)),
		// The original answers true for a user its resolver does not hold:
		// the snapshot judges that nothing was deleted.
		newProbe("DELETE /user/{resolver}/{username} username", opaque, call{method: http.MethodDelete, url: s.URL + "/user/people/{P}", auth: auth}, "", ""),
		newProbe("DELETE /user/{resolver}/{username} resolver", lookup, call{method: http.MethodDelete, url: s.URL + "/user/{P}/" + piVictim, auth: auth}, "", ""),
	}
	for key, attr := range map[string]string{"email": "mail", "givenname": "givenName", "surname": "sn", "phone": "telephoneNumber", "mobile": "mobile", "description": "description"} {
		search := newProbe("GET /user "+key, search, call{method: http.MethodGet, url: s.URL + "/user/?realm=corp&" + key + "={Q}", auth: auth}, "", "")
		search.wildcard, search.results = true, piValues(key)
		probes = append(probes, search,
			with(newProbe("POST /user "+key, create, body(http.MethodPost, `{"user":"pi-fixed","resolver":"people","`+key+`":{J}}`), hostile.PeopleDN, attr), fixed, nil),
			newProbe("PUT /user "+key, update, body(http.MethodPut, `{`+victim+`,"`+key+`":{J}}`), piVictimDN, attr))
	}
	for _, key := range []string{"username", "user"} {
		p := newProbe("GET /user "+key, search, call{method: http.MethodGet, url: s.URL + "/user/?realm=corp&" + key + "={Q}", auth: auth}, "", "")
		p.wildcard, p.results = true, piValues("username")
		probes = append(probes, p)
	}
	// A realm that names no configured realm adds nothing; one that names
	// no realm at all (" ", ",": the comma list is empty) asks for every
	// realm, as privacyIDEA's empty realm does, so it is only judged by
	// the envelope.
	realm := &probe{dialect: "privacyidea", name: "GET /user realm", kind: search, wildcard: true}
	realm.send = func(t *testing.T, raw string) hostile.Reply {
		r := s.send(t, call{method: http.MethodGet, url: s.URL + "/user/?realm={Q}", auth: auth}, raw)
		named := strings.Trim(raw, " ,") != ""
		realm.results = func(r hostile.Reply) []string {
			if named && len(piValues("username")(r)) > 0 {
				return []string{"(users of an unknown realm)"}
			}
			return nil
		}
		return r
	}
	// A resolver that names no configured resolver lists nothing, as the
	// original's get_user_list does.
	resolver := &probe{dialect: "privacyidea", name: "GET /user resolver", kind: search}
	resolver.send = func(t *testing.T, raw string) hostile.Reply {
		r := s.send(t, call{method: http.MethodGet, url: s.URL + "/user/?resolver={Q}", auth: auth}, raw)
		named := raw != ""
		resolver.results = func(r hostile.Reply) []string {
			if named && len(piValues("username")(r)) > 0 {
				return []string{"(users of an unknown resolver)"}
			}
			return nil
		}
		return r
	}
	return append(probes, realm, resolver)
}

// piValues are the values of one key of every entry GET /user returned
// (every element of a list).
func piValues(key string) func(hostile.Reply) []string {
	return func(r hostile.Reply) []string {
		var env struct {
			Result struct {
				Value []map[string]any `json:"value"`
			} `json:"result"`
		}
		_ = json.Unmarshal(r.Body, &env)
		var out []string
		for _, e := range env.Result.Value {
			switch v := e[key].(type) {
			case string:
				out = append(out, v)
			case []any:
				for _, x := range v {
					s, _ := x.(string)
					out = append(out, s)
				}
			}
		}
		return out
	}
}
