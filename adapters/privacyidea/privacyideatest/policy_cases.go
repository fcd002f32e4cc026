package privacyideatest

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// testPolicy: RealmAdmin's only policy allows every action in realm
// "sales"; it sees and changes that realm and nothing else.
func (s *suite) testPolicy(t *testing.T) {
	p := "pol-" + suffix() + "-"
	corpUser, salesUser := p+"corp", p+"sales"
	s.create(t, Resolver, corpUser, "", url.Values{"email": {corpUser + "@example.org"}})
	s.create(t, SalesResolver, salesUser, "", nil)
	ra := s.c.login(t, RealmAdmin, "admin")

	// Without a realm: the sales realm only.
	r := s.list(t, ra, q("username", p+"*"))
	if got := usernames(t, r); !slices.Equal(got, []string{salesUser}) {
		t.Errorf("realm admin lists %v, want only %s", got, salesUser)
	}
	for _, e := range s.list(t, ra, "").entries(t) {
		if e["realm"] != SalesRealm {
			t.Errorf("realm admin sees %v in realm %v", e["username"], e["realm"])
		}
	}
	denied := func(action string) string {
		return "Admin actions are defined, but the action " + action + " is not allowed!"
	}
	wantError(t, "list another realm", s.list(t, ra, q("realm", Realm)), http.StatusForbidden, 303, denied("userlist"))
	wantError(t, "list another resolver", s.list(t, ra, q("resolver", Resolver)), http.StatusForbidden, 303, denied("userlist"))

	// Writes in its realm work; anywhere else they change nothing.
	s.passwords = append(s.passwords, "Pol-Pw-1")
	wantError(t, "create elsewhere", s.c.do(t, request{method: "POST", path: "/user", token: ra,
		form: url.Values{"user": {p + "new-corp"}, "resolver": {Resolver}, "password": {"Pol-Pw-1"}}}), http.StatusForbidden, 303, denied("adduser"))
	s.wantAbsent(t, p+"new-corp")
	r = s.c.do(t, request{method: "POST", path: "/user", token: ra, form: url.Values{"user": {p + "new-sales"}, "resolver": {SalesResolver}}})
	if id, _ := r.value().(string); r.status != http.StatusOK || id == "" {
		t.Errorf("create in its realm: HTTP %d %s", r.status, r.raw)
	}
	s.mustUser(t, p+"new-sales")

	wantError(t, "update elsewhere", s.c.do(t, request{method: "PUT", path: "/user", token: ra,
		form: url.Values{"user": {corpUser}, "resolver": {Resolver}, "email": {"x@example.org"}}}), http.StatusForbidden, 303, denied("updateuser"))
	if e := s.mustUser(t, corpUser); e.Mail != corpUser+"@example.org" {
		t.Errorf("a denied update changed %s: %+v", corpUser, e)
	}
	wantValue(t, "update in its realm", s.c.do(t, request{method: "PUT", path: "/user", token: ra,
		form: url.Values{"user": {salesUser}, "resolver": {SalesResolver}, "email": {"s@example.org"}}}), true)
	if e := s.mustUser(t, salesUser); e.Mail != "s@example.org" {
		t.Errorf("update in its realm: %+v", e)
	}

	wantError(t, "delete elsewhere", s.c.do(t, request{method: "DELETE", path: "/user/" + Resolver + "/" + corpUser, token: ra}),
		http.StatusForbidden, 303, denied("deleteuser"))
	s.mustUser(t, corpUser)
	wantValue(t, "delete in its realm", s.c.do(t, request{method: "DELETE", path: "/user/" + SalesResolver + "/" + salesUser, token: ra}), true)
	s.wantAbsent(t, salesUser)
}
