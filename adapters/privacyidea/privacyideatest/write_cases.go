package privacyideatest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
)

func (s *suite) testCreate(t *testing.T) {
	name := "new-" + suffix()
	form := url.Values{"user": {name}, "resolver": {Resolver}, "surname": {"Doe"}, "givenname": {"Jane"},
		"email": {name + "@example.org"}, "mobile": {"+49 151 2"}, "password": {"Create-Pw-1"}}
	s.passwords = append(s.passwords, "Create-Pw-1")
	r := s.c.do(t, request{method: "POST", path: "/user", token: s.admin, form: form})
	id, _ := r.value().(string)
	e := s.mustUser(t, name)
	if r.status != http.StatusOK || id != strconv.FormatInt(e.UIDNumber, 10) {
		t.Errorf("form POST: HTTP %d %s; directory uidNumber %d", r.status, r.raw, e.UIDNumber)
	}
	if e.DN != "uid="+name+","+PeopleDN && e.DN != "cn="+name+","+PeopleDN {
		t.Errorf("created at %s, want in %s", e.DN, PeopleDN)
	}
	if e.Surname != "Doe" || e.GivenName != "Jane" || e.Mail != name+"@example.org" || !slices.Equal(e.Mobile, []string{"+49 151 2"}) {
		t.Errorf("directory entry: %+v", e)
	}
	s.c.login(t, Account{name, "Create-Pw-1"}, "user")

	// JSON, with mobile as a list, on /user/.
	jname := "json-" + suffix()
	r = s.c.do(t, request{method: "POST", path: "/user/", token: s.admin,
		json: map[string]any{"user": jname, "resolver": Resolver, "mobile": []string{"+1 1", "+1 2"}}})
	if je := s.mustUser(t, jname); r.status != http.StatusOK || !slices.Equal(sorted(je.Mobile), []string{"+1 1", "+1 2"}) {
		t.Errorf("JSON POST: HTTP %d %s; mobile %v", r.status, r.raw, je.Mobile)
	}

	// Refusals change nothing.
	wantError(t, "duplicate", s.c.do(t, request{method: "POST", path: "/user", token: s.admin,
		form: url.Values{"user": {name}, "resolver": {Resolver}, "surname": {"Other"}}}), http.StatusBadRequest, 10, "")
	if e := s.mustUser(t, name); e.Surname != "Doe" {
		t.Errorf("a refused duplicate changed the user: %+v", e)
	}
	bad := "bad-" + suffix()
	for _, tc := range []struct {
		what    string
		form    url.Values
		status  int
		code    int
		message string
	}{
		{"missing user", url.Values{"resolver": {Resolver}}, http.StatusBadRequest, 905, "ERR905: Missing parameter: user"},
		{"missing resolver", url.Values{"user": {bad}}, http.StatusBadRequest, 905, "ERR905: Missing parameter: resolver"},
		{"unknown resolver", url.Values{"user": {bad}, "resolver": {"nope"}}, http.StatusBadRequest, 904,
			"ERR904: The resolver 'nope' does not exist!"},
		{"not editable", url.Values{"user": {bad}, "resolver": {ReadOnly}}, http.StatusBadRequest, 904,
			"ERR904: The resolver 'partners' is not editable."},
		{"bad email", url.Values{"user": {bad}, "resolver": {Resolver}, "email": {"not an address"}}, http.StatusBadRequest, 10, ""},
		{"weak password", url.Values{"user": {bad}, "resolver": {Resolver}, "password": {"123"}}, http.StatusBadRequest, 10, ""},
	} {
		wantError(t, tc.what, s.c.do(t, request{method: "POST", path: "/user", token: s.admin, form: tc.form}), tc.status, tc.code, tc.message)
	}
	s.wantAbsent(t, bad)
}

func (s *suite) testUpdate(t *testing.T) {
	name := "upd-" + suffix()
	id := s.create(t, Resolver, name, "Update-Pw-1", url.Values{"email": {name + "@example.org"}, "surname": {"Old"}})

	// A new password: the user logs in with it, with role user.
	wantValue(t, "PUT password", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"user": {name}, "resolver": {Resolver}, "password": {"Update-Pw-2"}}}), true)
	s.passwords = append(s.passwords, "Update-Pw-2")
	s.c.login(t, Account{name, "Update-Pw-2"}, "user")
	wantError(t, "old password", s.c.do(t, request{method: "POST", path: "/auth",
		form: url.Values{"username": {name}, "password": {"Update-Pw-1"}}}), http.StatusUnauthorized, 4031, "")

	// Fields, as JSON on /user/; an empty value leaves a field alone.
	wantValue(t, "PUT fields", s.c.do(t, request{method: "PUT", path: "/user/", token: s.admin,
		json: map[string]any{"user": name, "resolver": Resolver, "email": "new-" + name + "@example.org", "surname": "",
			"mobile": []string{"+2 1", "+2 2"}}}), true)
	if e := s.mustUser(t, name); e.Mail != "new-"+name+"@example.org" || e.Surname != "Old" || len(e.Mobile) != 2 {
		t.Errorf("after PUT: %+v", e)
	}

	// Rename through userid.
	renamed := "ren-" + suffix()
	wantValue(t, "rename", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"user": {renamed}, "resolver": {Resolver}, "userid": {id}}}), true)
	s.wantAbsent(t, name)
	if e := s.mustUser(t, renamed); strconv.FormatInt(e.UIDNumber, 10) != id || e.Mail != "new-"+name+"@example.org" {
		t.Errorf("renamed user: %+v, want uidNumber %s", e, id)
	}
	s.c.login(t, Account{renamed, "Update-Pw-2"}, "user")

	// Unknown users are false; a rename onto a taken name changes nothing.
	wantValue(t, "unknown user", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"user": {"nobody-" + suffix()}, "resolver": {Resolver}, "email": {"x@example.org"}}}), false)
	wantValue(t, "unknown userid", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"user": {"x-" + suffix()}, "resolver": {Resolver}, "userid": {"999999"}}}), false)
	wantValue(t, "user of another resolver", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"user": {renamed}, "resolver": {SalesResolver}, "email": {"x@example.org"}}}), false)
	other := "oth-" + suffix()
	s.create(t, Resolver, other, "", nil)
	wantError(t, "rename onto a taken name", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"user": {other}, "resolver": {Resolver}, "userid": {id}, "email": {"y@example.org"}}}),
		http.StatusBadRequest, 10, "")
	if e := s.mustUser(t, renamed); e.Mail != "new-"+name+"@example.org" {
		t.Errorf("a refused rename changed the user: %+v", e)
	}
	wantError(t, "missing user", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"resolver": {Resolver}}}), http.StatusBadRequest, 905, "ERR905: Missing parameter: user")
	wantError(t, "not editable", s.c.do(t, request{method: "PUT", path: "/user", token: s.admin,
		form: url.Values{"user": {Partner.Username}, "resolver": {ReadOnly}, "surname": {"X"}}}), http.StatusBadRequest, 904, "")
}

func (s *suite) testDelete(t *testing.T) {
	name := "del-" + suffix()
	s.create(t, Resolver, name, "", nil)
	wantValue(t, "DELETE", s.c.do(t, request{method: "DELETE", path: "/user/" + Resolver + "/" + name, token: s.admin}), true)
	s.wantAbsent(t, name)
	// The original's LDAP resolver answers true for a user it cannot find.
	wantValue(t, "DELETE of a user that does not exist is true", s.c.do(t, request{method: "DELETE",
		path: "/user/" + Resolver + "/" + name, token: s.admin}), true)
	wantError(t, "unknown resolver", s.c.do(t, request{method: "DELETE", path: "/user/nope/" + name, token: s.admin}),
		http.StatusBadRequest, 904, "ERR904: The resolver 'nope' does not exist!")
	wantError(t, "not editable", s.c.do(t, request{method: "DELETE", path: "/user/" + ReadOnly + "/" + Partner.Username, token: s.admin}),
		http.StatusBadRequest, 904, "")
	s.mustUser(t, Partner.Username)

	// A user of another resolver is not this resolver's.
	sales := "dls-" + suffix()
	s.create(t, SalesResolver, sales, "", nil)
	wantValue(t, "wrong resolver", s.c.do(t, request{method: "DELETE", path: "/user/" + Resolver + "/" + sales, token: s.admin}), true)
	s.mustUser(t, sales)

	// LDAP filter and DN metacharacters are plain characters of a name.
	meta := `m(e)t\a,=+<>#;"*-` + suffix()
	r := s.c.do(t, request{method: "POST", path: "/user", token: s.admin, json: map[string]any{"user": meta, "resolver": Resolver}})
	if r.status != http.StatusOK {
		t.Fatalf("create %q: HTTP %d %s", meta, r.status, r.raw)
	}
	if e := s.mustUser(t, meta); e.Username != meta {
		t.Errorf("stored username %q, want %q", e.Username, meta)
	}
	if got := usernames(t, s.list(t, s.admin, q("user", `m(e)t\a,=+<>#;"*`+meta[len(meta)-8:]))); !slices.Equal(got, []string{meta}) {
		t.Errorf("search for %q: %v", meta, got)
	}
	wantValue(t, "DELETE "+meta, s.c.do(t, request{method: "DELETE",
		path: "/user/" + Resolver + "/" + url.PathEscape(meta), token: s.admin}), true)
	s.wantAbsent(t, meta)
}
