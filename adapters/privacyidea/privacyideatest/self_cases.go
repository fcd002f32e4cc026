package privacyideatest

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

var adminOnly = "Authentication failure. You do not have the necessary role (['admin']) to access this resource!"

func (s *suite) testUserToken(t *testing.T) {
	p := "self-" + suffix() + "-"
	me, other := p+"me", p+"other"
	s.create(t, Resolver, me, "Self-Pw-1", url.Values{"email": {me + "@example.org"}})
	otherID := s.create(t, Resolver, other, "", url.Values{"email": {other + "@example.org"}})
	tok := s.c.login(t, Account{me, "Self-Pw-1"}, "user")

	// GET: only itself, whatever it asks.
	for _, query := range []string{"", q("username", "*"), q("user", other), q("realm", SalesRealm, "resolver", SalesResolver, "username", "*")} {
		if got := usernames(t, s.list(t, tok, query)); !slices.Equal(got, []string{me}) {
			t.Errorf("user token GET %q: %v, want only %s", query, got, me)
		}
	}
	// Other search keys still apply to its own entry.
	wantValue(t, "search another's email", s.list(t, tok, q("email", other+"@example.org")), []any{})

	// PUT with someone else's name edits its own entry.
	wantValue(t, "PUT as user", s.c.do(t, request{method: "PUT", path: "/user", token: tok,
		form: url.Values{"user": {other}, "resolver": {SalesResolver}, "email": {"changed-" + me + "@example.org"}}}), true)
	if e := s.mustUser(t, me); e.Mail != "changed-"+me+"@example.org" {
		t.Errorf("own entry after PUT: %+v", e)
	}
	if e := s.mustUser(t, other); e.Mail != other+"@example.org" {
		t.Errorf("the other user changed: %+v", e)
	}
	// A userid does not let it rename itself or reach another user.
	wantValue(t, "PUT with userid", s.c.do(t, request{method: "PUT", path: "/user", token: tok,
		form: url.Values{"user": {p + "hacked"}, "resolver": {Resolver}, "userid": {otherID}, "surname": {"Self"}}}), true)
	s.wantAbsent(t, p+"hacked")
	if e := s.mustUser(t, me); e.Surname != "Self" {
		t.Errorf("own entry after PUT with userid: %+v", e)
	}
	if e := s.mustUser(t, other); e.Surname == "Self" {
		t.Errorf("the other user changed: %+v", e)
	}
	// Its own password, without the old one.
	wantValue(t, "own password", s.c.do(t, request{method: "PUT", path: "/user", token: tok,
		json: map[string]any{"password": "Self-Pw-2"}}), true)
	s.passwords = append(s.passwords, "Self-Pw-2")
	s.c.login(t, Account{me, "Self-Pw-2"}, "user")

	// POST and DELETE are for admins.
	wantError(t, "user token POST", s.c.do(t, request{method: "POST", path: "/user", token: tok,
		form: url.Values{"user": {p + "new"}, "resolver": {Resolver}}}), http.StatusUnauthorized, 4306, adminOnly)
	s.wantAbsent(t, p+"new")
	wantError(t, "user token DELETE", s.c.do(t, request{method: "DELETE", path: "/user/" + Resolver + "/" + other, token: tok}),
		http.StatusUnauthorized, 4306, adminOnly)
	wantError(t, "user token DELETE itself", s.c.do(t, request{method: "DELETE", path: "/user/" + Resolver + "/" + me, token: tok}),
		http.StatusUnauthorized, 4306, adminOnly)
	s.mustUser(t, other)
	s.mustUser(t, me)

	// A user of a read-only resolver sees itself but cannot edit.
	ptok := s.c.login(t, Account{Partner.Username + "@" + ReadOnly, Partner.Password}, "user")
	if got := usernames(t, s.list(t, ptok, "")); !slices.Equal(got, []string{Partner.Username}) {
		t.Errorf("partner GET: %v", got)
	}
	wantError(t, "PUT on a read-only resolver", s.c.do(t, request{method: "PUT", path: "/user", token: ptok,
		form: url.Values{"surname": {"X"}}}), http.StatusBadRequest, 904, "ERR904: The resolver 'partners' is not editable.")

	// A token whose user is gone.
	wantValue(t, "delete me", s.c.do(t, request{method: "DELETE", path: "/user/" + Resolver + "/" + me, token: s.admin}), true)
	wantError(t, "token of a deleted user", s.list(t, tok, ""), http.StatusBadRequest, 904, "")

	// Created again under the same name: another account (another id),
	// which the old token does not reach, whatever its name says.
	s.create(t, Resolver, me, "Again-Pw-1", nil)
	wantError(t, "token of a deleted user, its name taken again", s.list(t, tok, ""), http.StatusBadRequest, 904, "")
	wantError(t, "password set with the token of the deleted account", s.c.do(t, request{method: "PUT", path: "/user", token: tok,
		json: map[string]any{"password": "Taken-Pw-1"}}), http.StatusBadRequest, 904, "")
	s.passwords = append(s.passwords, "Taken-Pw-1")
	s.c.login(t, Account{me, "Again-Pw-1"}, "user")
}

func (s *suite) testUnicode(t *testing.T) {
	sfx := suffix()
	name := "wördy-" + sfx
	r := s.c.do(t, request{method: "POST", path: "/user", token: s.admin,
		json: map[string]any{"user": name, "resolver": Resolver, "surname": "Wörd", "password": "Wördy-Pw-1"}})
	s.passwords = append(s.passwords, "Wördy-Pw-1")
	if r.status != http.StatusOK {
		t.Fatalf("create %s: HTTP %d %s", name, r.status, r.raw)
	}
	if e := s.mustUser(t, name); e.Username != name || e.Surname != "Wörd" {
		t.Errorf("directory: %+v", e)
	}
	for _, query := range []string{q("user", name), q("username", "w*rdy-"+sfx, "realm", Realm), q("surname", "wörd", "username", "*"+sfx)} {
		if got := usernames(t, s.list(t, s.admin, query)); !slices.Equal(got, []string{name}) {
			t.Errorf("search %s: %v", query, got)
		}
	}
	wantValue(t, "update", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"user": {name}, "resolver": {Resolver}, "givenname": {"Ödön"}}}), true)
	if e := s.mustUser(t, name); e.GivenName != "Ödön" {
		t.Errorf("after update: %+v", e)
	}
	s.c.login(t, Account{name, "Wördy-Pw-1"}, "user")
	wantValue(t, "percent-encoded DELETE", s.c.do(t, request{method: "DELETE",
		path: "/user/" + Resolver + "/w%C3%B6rdy-" + sfx, token: s.admin}), true)
	s.wantAbsent(t, name)
}
