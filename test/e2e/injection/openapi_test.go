package injection_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// OpenAPI's victim user.
const (
	oaVictim   = "oa-victim"
	oaVictimDN = "uid=" + oaVictim + "," + hostile.PeopleDN
	oaPassword = "OpenAPI-Inj-Pw-4d5e6f"
)

// oaPrepare logs the admin in and creates the victim; it returns the
// token, the victim's id and the id of the group staff.
func (s *stackOf) oaPrepare(t *testing.T) (token, victim, staff string) {
	t.Helper()
	s.Leaks.Secret(oaPassword)
	r := s.send(t, call{method: http.MethodPost, url: s.URL + "/api/login",
		body: `{"username":"root","password":"` + hostile.Root.Password + `"}`}, "")
	var login struct{ Token string }
	if json.Unmarshal(r.Body, &login) != nil || login.Token == "" {
		t.Fatalf("OpenAPI login: %s", r.Body)
	}
	auth := oaAuth(login.Token)
	r = s.send(t, call{method: http.MethodPost, url: s.URL + "/api/users", auth: auth,
		body: `{"userName":"` + oaVictim + `","password":"` + oaPassword + `"}`}, "")
	var user struct {
		ID string `json:"_id"`
	}
	if json.Unmarshal(r.Body, &user) != nil || user.ID == "" {
		t.Fatalf("OpenAPI victim: %s", r.Body)
	}
	r = s.send(t, call{method: http.MethodGet, url: s.URL + "/api/groups?filter[name][EQ]=staff", auth: auth}, "")
	var groups struct {
		Data []struct {
			ID string `json:"_id"`
		} `json:"data"`
	}
	if json.Unmarshal(r.Body, &groups) != nil || len(groups.Data) != 1 {
		t.Fatalf("OpenAPI group staff: %s", r.Body)
	}
	return login.Token, user.ID, groups.Data[0].ID
}

func oaAuth(token string) func(*http.Request) {
	return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
}

// openAPIProbes: every filter field and operator, every member of the
// user and group bodies, every path id, the logins and the tokenless
// endpoints.
func (s *stackOf) openAPIProbes(token, victimID, staffID string) []*probe {
	auth := oaAuth(token)
	api := func(method, path, body string) call {
		c := call{method: method, url: s.URL + "/api" + path, body: body, auth: auth}
		if method == http.MethodPatch {
			c.contentType = "application/json-patch+json"
		}
		return c
	}
	newProbe := func(name string, k kind, c call, base, attr string) *probe {
		p := s.probeOf("openapi", name, k, c)
		p.base, p.attr = base, attr
		return p
	}
	with := func(p *probe, cleanup func(*testing.T, bool), wrap func(string) string) *probe {
		p.cleanup, p.wrap = cleanup, wrap
		return p
	}
	fixedUser := s.removing("uid=oa-fixed," + hostile.PeopleDN)
	victim := "/users/" + victimID
	probes := []*probe{
		newProbe("POST /login username", lookup, call{method: http.MethodPost, url: s.URL + "/api/login", body: `{"username":{J},"password":"` + hostile.Alice.Password + `"}`}, "", ""),
		pw(with(newProbe("POST /login password", lookup, call{method: http.MethodPost, url: s.URL + "/api/login", body: `{"username":"alice","password":{J}}`}, "", ""), nil, nil)),
		newProbe("POST /login/impersonate userId", lookup, api(http.MethodPost, "/login/impersonate", `{"userId":{J}}`), "", ""),
		newProbe("POST /password/change username", lookup, call{method: http.MethodPost, url: s.URL + "/api/password/change", body: `{"username":{J},"currentPassword":"` + hostile.Alice.Password + `","newPassword":"Changed-Pw-123"}`}, "", ""),
		newProbe("POST /password/validate username", opaque, call{method: http.MethodPost, url: s.URL + "/api/password/validate", body: `{"password":"Some-Pw-1234","username":{J}}`}, "", ""),
		newProbe("POST /invitations/accept token", lookup, call{method: http.MethodPost, url: s.URL + "/api/invitations/accept", body: `{"token":{J},"userName":"oa-fixed","password":"Some-Pw-1234"}`}, "", ""),
		newProbe("POST /invitations/userNameAvailability token", lookup, call{method: http.MethodPost, url: s.URL + "/api/invitations/userNameAvailability", body: `{"token":{J},"userName":"alice"}`}, "", ""),
		with(newProbe("POST /invitations userName", create, api(http.MethodPost, "/invitations", `{"email":"inv@example.com","userName":{J}}`), hostile.PeopleDN, "uid"), s.removingInvited, nil),
		with(newProbe("POST /invitations email", create, api(http.MethodPost, "/invitations", `{"email":{J}}`), hostile.PeopleDN, "mail"), s.removingInvited, nil),
		newProbe("POST /users userName", create, api(http.MethodPost, "/users", `{"userName":{J},"password":"`+oaPassword+`"}`), hostile.PeopleDN, "uid"),
		pw(with(newProbe("POST /users password", secret, api(http.MethodPost, "/users", `{"userName":"oa-fixed","password":{J}}`), "", ""), fixedUser, nil)),
		newProbe("PUT /users/{id} userName", rename, api(http.MethodPut, victim, `{"userName":{J}}`), oaVictimDN, "uid"),
		pw(with(newProbe("PUT /users/{id}/password password", secret, api(http.MethodPut, victim+"/password", `{"password":{J},"mustChange":false}`), "", ""), nil, nil)),
		newProbe("PATCH /users/{id} path", lookup, api(http.MethodPatch, victim, `[{"op":"add","path":{J},"value":"x"}]`), "", ""),
		newProbe("PATCH /users/{id} op", lookup, api(http.MethodPatch, victim, `[{"op":{J},"path":"/displayName","value":"x"}]`), "", ""),
		newProbe("POST /groups name", create, api(http.MethodPost, "/groups", `{"name":{J}}`), hostile.GroupsDN, "cn"),
		with(newProbe("POST /groups externalId", create, api(http.MethodPost, "/groups", `{"name":"oa-fixed-group","externalId":{J}}`), hostile.GroupsDN, "dirgateExternalId"), s.removing("cn=oa-fixed-group,"+hostile.GroupsDN), nil),
		newProbe("PATCH /groups/{id}/members name", lookup, api(http.MethodPatch, "/groups/"+staffID+"/members", `[{"op":"add","name":{J}}]`), "", ""),
		newProbe("PATCH /groups/{id}/members id", lookup, api(http.MethodPatch, "/groups/"+staffID+"/members", `[{"op":"remove","id":{J},"principalType":"User"}]`), "", ""),
	}
	for _, m := range []struct{ member, attr string }{
		{"displayName", "displayName"}, {"email", "mail"}, {"unixHomeDirectory", "homeDirectory"},
		{"userPrincipalName", "dirgatePrincipalName"}, {"externalId", "dirgateExternalId"},
	} {
		probes = append(probes,
			with(newProbe("POST /users "+m.member, create, api(http.MethodPost, "/users", `{"userName":"oa-fixed","password":"`+oaPassword+`","`+m.member+`":{J}}`), hostile.PeopleDN, m.attr), fixedUser, nil),
			newProbe("PUT /users/{id} "+m.member, update, api(http.MethodPut, victim, `{"`+m.member+`":{J}}`), oaVictimDN, m.attr),
			newProbe("PATCH /users/{id} "+m.member, update, api(http.MethodPatch, victim, `[{"op":"add","path":"/`+m.member+`","value":{J}}]`), oaVictimDN, m.attr))
	}
	for _, path := range []string{"/users/{P}", "/users/{P}/groups", "/users/{P}/osUser", "/groups/{P}", "/groups/{P}/members", "/principals/{P}/groups"} {
		probes = append(probes, newProbe("GET "+path, lookup, api(http.MethodGet, path, ""), "", ""))
	}
	probes = append(probes,
		newProbe("PUT /users/{P}", lookup, api(http.MethodPut, "/users/{P}", `{"displayName":"changed"}`), "", ""),
		newProbe("DELETE /users/{P}", lookup, api(http.MethodDelete, "/users/{P}", ""), "", ""),
		newProbe("DELETE /groups/{P}", lookup, api(http.MethodDelete, "/groups/{P}", ""), "", ""),
		newProbe("DELETE /users/{P}/logonFailures", lookup, api(http.MethodDelete, "/users/{P}/logonFailures", ""), "", ""))
	for _, list := range []struct{ path, fields string }{
		{"/users", "userName displayName email userPrincipalName unixHomeDirectory externalId unixUserName _id"},
		{"/groups", "name externalId _id"},
		{"/principals", "name displayName _id"},
	} {
		for _, field := range strings.Fields(list.fields) {
			for _, op := range []string{"EQ", "CO", "SW", "IN"} {
				if field == "_id" && (op == "CO" || op == "SW") || list.path == "/principals" && field == "displayName" && op == "IN" {
					continue
				}
				p := newProbe("GET "+list.path+" filter["+field+"]["+op+"]", search,
					api(http.MethodGet, list.path+"?filter["+field+"]["+op+"]={Q}", ""), "", "")
				p.results = oaValues(field)
				probes = append(probes, p)
			}
		}
		for _, param := range []string{"sort", "fields", "excludeFields", "page[limit]", "page[offset]", "filter[_created][LT]"} {
			probes = append(probes, newProbe("GET "+list.path+" "+param, opaque, api(http.MethodGet, list.path+"?"+param+"={Q}", ""), "", ""))
		}
	}
	return probes
}

// oaValues are one member's values in a list answer.
func oaValues(member string) func(hostile.Reply) []string {
	return func(r hostile.Reply) []string {
		var env struct {
			Data []map[string]any `json:"data"`
		}
		_ = json.Unmarshal(r.Body, &env)
		var out []string
		for _, e := range env.Data {
			v, _ := e[member].(string)
			out = append(out, v)
		}
		return out
	}
}

// removingInvited removes the pending users invitations made under their
// provisional names (a JSON null for the email is an invitation without
// one, which the value cannot find).
func (s *stackOf) removingInvited(t *testing.T, _ bool) {
	t.Helper()
	res, err := s.conn.Search(ldap.NewSearchRequest(hostile.PeopleDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(uid=invited-*)", []string{"1.1"}, nil))
	if err != nil {
		t.Fatalf("invited users: %v", err)
	}
	for _, e := range res.Entries {
		s.remove(t, e.DN)
	}
}
