package injection_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// AD-web's victim user.
const (
	adwebVictim   = "aw-victim"
	adwebVictimDN = "uid=" + adwebVictim + "," + hostile.PeopleDN
	adwebPassword = "AdWeb-Inj-Pw-1c2d3e4f"
)

// inBase and inPeople put a value into a DN, where a broken DN escape
// would let it add RDNs or attributes.
func inBase(v string) string   { return "ou=" + v + "," + hostile.Base }
func inPeople(v string) string { return "uid=" + v + "," + hostile.PeopleDN }

func (s *stackOf) adwebAuth(r *http.Request) {
	r.Header.Set("ApiKey", s.ADWebAdmin.Key)
	r.Header.Set("ApiSecret", s.ADWebAdmin.Secret)
}

func (s *stackOf) adwebPrepare(t *testing.T) {
	t.Helper()
	s.Leaks.Secret(adwebPassword)
	c := call{method: http.MethodPost, url: s.URL + "/restapi/createuser", auth: s.adwebAuth,
		body: `{"createUser":{"SamAccountName":"` + adwebVictim + `","UserPrincipalName":"v@example.com","Password":"` +
			adwebPassword + `","ouDN":"` + hostile.PeopleDN + `","FQDN":"example.com"}}`}
	if o := s.envelope(t, "adweb", "prepare", s.send(t, c, "")); !o.done {
		t.Fatalf("adweb victim: %s", o.message)
	}
}

// adwebProbes: every parameter of every AD-web endpoint, with the admin
// key. DN parameters get each value alone and inside a DN.
func (s *stackOf) adwebProbes() []*probe {
	post := func(method, endpoint, body string) call {
		return call{method: method, url: s.URL + "/restapi/" + endpoint, body: body, auth: s.adwebAuth}
	}
	get := func(endpoint, query string) call {
		return call{method: http.MethodPost, url: s.URL + "/restapi/" + endpoint + "?" + query + "&FQDN=example.com", auth: s.adwebAuth}
	}
	newProbe := func(name string, k kind, c call, base, attr string) *probe {
		p := s.probeOf("adweb", name, k, c)
		p.base, p.attr = base, attr
		return p
	}
	fixedUser := s.removing("uid=aw-fixed," + hostile.PeopleDN)
	fixedOU := s.removing("ou=aw-fixed-ou," + hostile.Base)
	with := func(p *probe, cleanup func(*testing.T, bool), wrap func(string) string) *probe {
		p.cleanup, p.wrap = cleanup, wrap
		return p
	}
	createUser := func(sam, upn, pwJSON, ou, fqdn, custom string) string {
		return `{"createUser":{"SamAccountName":` + sam + `,"UserPrincipalName":` + upn + `,"Password":` + pwJSON +
			`,"ouDN":` + ou + `,"FQDN":` + fqdn + `},"customAttributes":` + custom + `}`
	}
	const (
		fixed  = `"aw-fixed"`
		upn    = `"f@example.com"`
		pwJSON = `"` + adwebPassword + `"`
		people = `"` + hostile.PeopleDN + `"`
		fqdn   = `"example.com"`
		victim = `"` + adwebVictimDN + `"`
		scoped = `"` + hostile.ScopedDN + `"`
		staff  = `"cn=staff,` + hostile.GroupsDN + `"`
	)
	newOU := func(field string) string {
		body := map[string]string{"newOuName": "aw-fixed-ou", "fqdn": "example.com"}
		raw, _ := json.Marshal(body)
		return string(raw[:len(raw)-1]) + `,"` + field + `":{J}}`
	}
	probes := []*probe{
		newProbe("createuser SamAccountName", create, post(http.MethodPost, "createuser", createUser("{J}", upn, pwJSON, people, fqdn, `{}`)), hostile.PeopleDN, "uid"),
		with(newProbe("createuser UserPrincipalName", create, post(http.MethodPost, "createuser", createUser(fixed, "{J}", pwJSON, people, fqdn, `{}`)), hostile.PeopleDN, "dirgatePrincipalName"), fixedUser, nil),
		pw(with(newProbe("createuser Password", secret, post(http.MethodPost, "createuser", createUser(fixed, upn, "{J}", people, fqdn, `{}`)), "", ""), fixedUser, nil)),
		with(newProbe("createuser ouDN", lookup, post(http.MethodPost, "createuser", createUser(fixed, upn, pwJSON, "{J}", fqdn, `{}`)), "", ""), fixedUser, nil),
		with(newProbe("createuser ouDN (in a DN)", lookup, post(http.MethodPost, "createuser", createUser(fixed, upn, pwJSON, "{J}", fqdn, `{}`)), "", ""), fixedUser, inBase),
		with(newProbe("createuser FQDN", lookup, post(http.MethodPost, "createuser", createUser(fixed, upn, pwJSON, people, "{J}", `{}`)), "", ""), fixedUser, nil),
		with(newProbe("createuser customAttributes key", lookup, post(http.MethodPost, "createuser", createUser(fixed, upn, pwJSON, people, fqdn, `{{J}:"x"}`)), "", ""), fixedUser, nil),
		with(newProbe("createuser customAttributes title", create, post(http.MethodPost, "createuser", createUser(fixed, upn, pwJSON, people, fqdn, `{"title":{J}}`)), hostile.PeopleDN, "title"), fixedUser, nil),
		newProbe("createparentou newOuName", create, post(http.MethodPost, "createparentou", `{"newOuName":{J},"fqdn":"example.com"}`), hostile.Base, "ou"),
		with(newProbe("createparentou fqdn", lookup, post(http.MethodPost, "createparentou", `{"newOuName":"aw-fixed-ou","fqdn":{J}}`), "", ""), fixedOU, nil),
		newProbe("createchildou newChildOuName", create, post(http.MethodPost, "createchildou", `{"parentOuDn":`+scoped+`,"newChildOuName":{J},"fqdn":"example.com"}`), hostile.ScopedDN, "ou"),
		with(newProbe("createchildou parentOuDn", lookup, post(http.MethodPost, "createchildou", `{"parentOuDn":{J},"newChildOuName":"aw-fixed-ou","fqdn":"example.com"}`), "", ""), fixedOU, inBase),
		newProbe("moveusertoou userDN", lookup, post(http.MethodPost, "moveusertoou", `{"userDN":{J},"ouDN":`+scoped+`,"fqdn":"example.com"}`), "", ""),
		with(newProbe("moveusertoou userDN (in a DN)", lookup, post(http.MethodPost, "moveusertoou", `{"userDN":{J},"ouDN":`+scoped+`,"fqdn":"example.com"}`), "", ""), nil, inPeople),
		with(newProbe("moveusertoou ouDN (in a DN)", lookup, post(http.MethodPost, "moveusertoou", `{"userDN":`+victim+`,"ouDN":{J},"fqdn":"example.com"}`), "", ""), nil, inBase),
		with(newProbe("assignusertogroup userDN (in a DN)", lookup, post(http.MethodPost, "assignusertogroup", `{"userDN":{J},"groupDN":`+staff+`,"fqdn":"example.com"}`), "", ""), nil, inPeople),
		with(newProbe("assignusertogroup groupDN (in a DN)", lookup, post(http.MethodPost, "assignusertogroup", `{"userDN":`+victim+`,"groupDN":{J},"fqdn":"example.com"}`), "", ""), nil, func(v string) string { return "cn=" + v + "," + hostile.GroupsDN }),
		with(newProbe("updateuser userDN (in a DN)", lookup, post(http.MethodPut, "updateuser", `{"updateUser":{"userDN":{J},"FQDN":"example.com"},"customAttributes":{"title":"x"}}`), "", ""), nil, inPeople),
		newProbe("updateuser SamAccountName", rename, post(http.MethodPut, "updateuser", `{"updateUser":{"userDN":`+victim+`,"SamAccountName":{J},"FQDN":"example.com"}}`), adwebVictimDN, "uid"),
		newProbe("updateuser UserPrincipalName", update, post(http.MethodPut, "updateuser", `{"updateUser":{"userDN":`+victim+`,"UserPrincipalName":{J},"FQDN":"example.com"}}`), adwebVictimDN, "dirgatePrincipalName"),
		pw(with(newProbe("updateuser Password", secret, post(http.MethodPut, "updateuser", `{"updateUser":{"userDN":`+victim+`,"Password":{J},"FQDN":"example.com"}}`), "", ""), nil, nil)),
		with(newProbe("updateuser ouDN (in a DN)", lookup, post(http.MethodPut, "updateuser", `{"updateUser":{"userDN":`+victim+`,"ouDN":{J},"FQDN":"example.com"}}`), "", ""), nil, inBase),
		newProbe("updateuser customAttributes title", update, post(http.MethodPut, "updateuser", `{"updateUser":{"userDN":`+victim+`,"FQDN":"example.com"},"customAttributes":{"title":{J}}}`), adwebVictimDN, "title"),
		newProbe("updateuser customAttributes description", update, post(http.MethodPut, "updateuser", `{"updateUser":{"userDN":`+victim+`,"FQDN":"example.com"},"customAttributes":{"description":{J}}}`), adwebVictimDN, "description"),
		newProbe("disableuser notifyEmail", opaque, post(http.MethodPost, "disableuser", `{"userDN":`+victim+`,"FQDN":"example.com","notifyEmail":{J}}`), "", ""),
		newProbe("getdn samAccountName", search, get("getdn", "samAccountName={Q}"), "", ""),
	}
	for _, field := range []string{"description", "city", "state", "street", "postalCode"} {
		attr := map[string]string{"description": "description", "city": "l", "state": "st", "street": "street", "postalCode": "postalCode"}[field]
		probes = append(probes, with(newProbe("createparentou "+field, create, post(http.MethodPost, "createparentou", newOU(field)), hostile.Base, attr), fixedOU, nil))
	}
	for _, e := range []struct{ endpoint, method string }{{"enableuser", http.MethodPost}, {"disableuser", http.MethodPost}, {"unlockuser", http.MethodPut}, {"passwordreset", http.MethodPut}} {
		probes = append(probes,
			newProbe(e.endpoint+" userDN", lookup, post(e.method, e.endpoint, `{"userDN":{J},"FQDN":"example.com"}`), "", ""),
			with(newProbe(e.endpoint+" userDN (in a DN)", lookup, post(e.method, e.endpoint, `{"userDN":{J},"FQDN":"example.com"}`), "", ""), nil, inPeople))
	}
	for _, q := range []struct{ endpoint, param string }{
		{"getoumembers", "ouDN"}, {"getgroupmembers", "groupDN"}, {"getgroupmembers", "ouDN"},
		{"getusergroupinfo", "userDN"}, {"getuserinfo", "userDN"}, {"getusers", "ouDN"},
	} {
		probes = append(probes,
			newProbe(q.endpoint+" "+q.param, lookup, get(q.endpoint, q.param+"={Q}"), "", ""),
			with(newProbe(q.endpoint+" "+q.param+" (in a DN)", lookup, get(q.endpoint, q.param+"={Q}"), "", ""), nil, inPeople))
	}
	for _, p := range probes {
		if p.name == "getdn samAccountName" {
			p.results = adwebNames
		}
	}
	return probes
}

// adwebNames are the names getdn matched.
func adwebNames(r hostile.Reply) []string {
	var env struct {
		Data struct {
			Matches []struct{ Name string } `json:"matches"`
		} `json:"data"`
	}
	_ = json.Unmarshal(r.Body, &env)
	var out []string
	for _, m := range env.Data.Matches {
		out = append(out, m.Name)
	}
	return out
}
