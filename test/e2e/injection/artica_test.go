package injection_test

import (
	"net/http"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// Artica's organization containers and its victim member.
const (
	articaGroupsDN = "ou=groups,ou=example.com,dc=organizations," + hostile.Base
	articaVictim   = "am-victim"
	articaVictimDN = "uid=" + articaVictim + "," + hostile.OrgUsersDN
	articaPassword = "Artica-Inj-Pw-6f7a8b"
)

// articaPrepare creates the organization's containers (on first use), the
// victim member and a group, over the socket.
func (s *stackOf) articaPrepare(t *testing.T) (gid string) {
	t.Helper()
	s.Leaks.Secret(articaPassword)
	c := call{unix: true, method: http.MethodPost, url: "http://localhost/openldap/members",
		body: `{"login":"` + articaVictim + `","password":"` + articaPassword + `","ou":"example.com","gpid":0}`}
	if o := s.envelope(t, "artica", "prepare", s.send(t, c, "")); !o.done {
		t.Fatalf("artica victim: %s", o.message)
	}
	c = call{unix: true, method: http.MethodPost, url: "http://localhost/openldap/groups", body: `{"name":"am-group","ou":"example.com"}`}
	if o := s.envelope(t, "artica", "prepare", s.send(t, c, "")); !o.done {
		t.Fatalf("artica group: %s", o.message)
	}
	return s.attr(t, "cn=am-group,"+articaGroupsDN, "gidNumber")[0]
}

// articaProbes: every parameter of Artica's member and group endpoints,
// over the unix socket.
func (s *stackOf) articaProbes(gid string) []*probe {
	const u = "http://localhost"
	unix := func(method, url, body string) call { return call{unix: true, method: method, url: u + url, body: body} }
	member := func(login, password, first, last, email, ou string) string {
		return `{"login":` + login + `,"password":` + password + `,"firstname":` + first + `,"lastname":` + last +
			`,"email":` + email + `,"ou":` + ou + `,"gpid":0}`
	}
	const pwJSON, fixed = `"` + articaPassword + `"`, `"am-fixed"`
	withFixed := func(p *probe) *probe { p.cleanup = s.removing("uid=am-fixed," + hostile.OrgUsersDN); return p }
	removeGroup := func(t *testing.T, done bool) {
		if dn := "cn=am-fixed-group," + articaGroupsDN; s.exists(t, dn) {
			if !done {
				t.Errorf("a group was created although its ou or uid was refused")
			}
			s.remove(t, dn)
		}
	}
	withGroup := func(p *probe) *probe { p.cleanup = removeGroup; return p }
	newProbe := func(name string, k kind, c call, base, attr string) *probe {
		p := s.probeOf("artica", name, k, c)
		p.base, p.attr = base, attr
		return p
	}
	put := func(attr string) *probe {
		p := newProbe("PUT /openldap/members/{uid} "+attr, update, unix(http.MethodPut, "/openldap/members/"+articaVictim, `{"`+attr+`":{J}}`), articaVictimDN, attr)
		p.trims = true
		return p
	}
	return []*probe{
		newProbe("POST /openldap/members login", create, unix(http.MethodPost, "/openldap/members", member("{J}", pwJSON, `"F"`, `"L"`, `"x@example.com"`, `"example.com"`)), hostile.OrgUsersDN, "uid"),
		pw(withFixed(newProbe("POST /openldap/members password", secret, unix(http.MethodPost, "/openldap/members", member(fixed, "{J}", `"F"`, `"L"`, `"x@example.com"`, `"example.com"`)), "", ""))),
		withFixed(newProbe("POST /openldap/members firstname", create, unix(http.MethodPost, "/openldap/members", member(fixed, pwJSON, "{J}", `"L"`, `"x@example.com"`, `"example.com"`)), hostile.OrgUsersDN, "givenName")),
		withFixed(newProbe("POST /openldap/members lastname", create, unix(http.MethodPost, "/openldap/members", member(fixed, pwJSON, `"F"`, "{J}", `"x@example.com"`, `"example.com"`)), hostile.OrgUsersDN, "sn")),
		withFixed(newProbe("POST /openldap/members email", create, unix(http.MethodPost, "/openldap/members", member(fixed, pwJSON, `"F"`, `"L"`, "{J}", `"example.com"`)), hostile.OrgUsersDN, "mail")),
		withFixed(newProbe("POST /openldap/members ou", lookup, unix(http.MethodPost, "/openldap/members", member(fixed, pwJSON, `"F"`, `"L"`, `"x@example.com"`, "{J}")), "", "")),
		withFixed(newProbe("POST /openldap/members gpid", lookup, unix(http.MethodPost, "/openldap/members", `{"login":"am-fixed","password":`+pwJSON+`,"ou":"example.com","gpid":{J}}`), "", "")),
		newProbe("GET /openldap/members/{uid}", lookup, unix(http.MethodGet, "/openldap/members/{P}", ""), "", ""),
		newProbe("PUT /openldap/members/{uid}", lookup, unix(http.MethodPut, "/openldap/members/{P}", `{"title":"changed"}`), "", ""),
		newProbe("PUT /openldap/members/{uid} key", lookup, unix(http.MethodPut, "/openldap/members/"+articaVictim, `{{J}:"changed"}`), "", ""),
		put("givenName"), put("sn"), put("mail"), put("title"), put("telephoneNumber"), put("mobile"),
		newProbe("DELETE /openldap/members/{uid}", lookup, unix(http.MethodDelete, "/openldap/members/{P}", ""), "", ""),
		newProbe("POST /openldap/members/{uid}/password uid", lookup, unix(http.MethodPost, "/openldap/members/{P}/password", `{"password":`+pwJSON+`}`), "", ""),
		pw(newProbe("POST /openldap/members/{uid}/password password", secret, unix(http.MethodPost, "/openldap/members/"+articaVictim+"/password", `{"password":{J}}`), "", "")),
		newProbe("GET /openldap/members/{uid}/groups", lookup, unix(http.MethodGet, "/openldap/members/{P}/groups", ""), "", ""),
		newProbe("GET /openldap/groups ou", lookup, unix(http.MethodGet, "/openldap/groups?ou={Q}", ""), "", ""),
		newProbe("POST /openldap/groups name", create, unix(http.MethodPost, "/openldap/groups", `{"name":{J},"ou":"example.com"}`), articaGroupsDN, "cn"),
		withGroup(newProbe("POST /openldap/groups ou", lookup, unix(http.MethodPost, "/openldap/groups", `{"name":"am-fixed-group","ou":{J}}`), "", "")),
		withGroup(newProbe("POST /openldap/groups uid", lookup, unix(http.MethodPost, "/openldap/groups", `{"name":"am-fixed-group","ou":"example.com","uid":{J}}`), "", "")),
		newProbe("POST /openldap/groups/{gid}/members/{uid} gid", lookup, unix(http.MethodPost, "/openldap/groups/{P}/members/"+articaVictim, ""), "", ""),
		newProbe("POST /openldap/groups/{gid}/members/{uid} uid", lookup, unix(http.MethodPost, "/openldap/groups/"+gid+"/members/{P}", ""), "", ""),
		newProbe("DELETE /openldap/groups/{gid}/members/{uid} gid", lookup, unix(http.MethodDelete, "/openldap/groups/{P}/members/"+articaVictim, ""), "", ""),
		newProbe("DELETE /openldap/groups/{gid}/members/{uid} uid", lookup, unix(http.MethodDelete, "/openldap/groups/"+gid+"/members/{P}", ""), "", ""),
		newProbe("GET /openldap/backup/import/{filename}", lookup, unix(http.MethodGet, "/openldap/backup/import/{P}", ""), "", ""),
	}
}
