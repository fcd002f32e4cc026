package artica

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// The seed's bodies, verbatim.
const (
	seedCreate   = `{"login":"jdupont","password":"S3cr3t!","firstname":"Jean","lastname":"Dupont", "email":"jean.dupont@example.com","ou":"example.com","gpid":0}`
	seedUpdate   = `{"givenName":"Jean","sn":"Dupont","mail":"j.dupont@example.com","title":"Director","telephoneNumber":"+33123456789","mobile":""}`
	seedPassword = `{"password":"N3wPass!"}`
	seedGroup    = `{"name":"accountants","ou":"example.com","uid":"jdupont"}`
)

// jdupontDN is in the layout the embedded store gets by default:
// ou=organizations stands in for Artica's dc=organizations, a container
// the store cannot hold (the OpenLDAP layout is tested end to end).
const jdupontDN = "uid=jdupont,ou=users,ou=example.com,ou=organizations,dc=example,dc=com"

func TestEnvelopeFormat(t *testing.T) {
	h := newHarness(t, nil)
	a := h.ok("GET", "/ping", "")
	if got := a.Header.Get("Content-Type"); got != "application/json;charset=UTF-8" {
		t.Errorf("Content-Type = %q", got)
	}
	want := "{\n  \"Status\": true,\n  \"Info\": \"\",\n  \"Error\": \"\",\n  \"Version\": \"" + testVersion + "\"\n}\n"
	if a.Raw != want {
		t.Errorf("ping body =\n%s\nwant\n%s", a.Raw, want)
	}
	f := h.refused("GET", "/openldap/install", "", notManagedMessage)
	if f.Raw != "{\n  \"Status\": false,\n  \"Error\": \""+notManagedMessage+"\",\n  \"Info\": \"\"\n}\n" {
		t.Errorf("failure body = %s", f.Raw)
	}
	h.refused("GET", "/openldap/uninstall", "", notManagedMessage)
	h.refused("GET", "/openldap/nothing/here", "", "unknown endpoint GET /openldap/nothing/here")
	h.refused("PATCH", "/openldap/members/jdupont", "", "unknown endpoint PATCH /openldap/members/jdupont")
}

func TestMemberLifecycle(t *testing.T) {
	h := newHarness(t, nil)
	a := h.ok("POST", "/openldap/members", seedCreate)
	if a.Version != testVersion || len(a.Data) != 0 {
		t.Errorf("create answer = %s", a.Raw)
	}

	var m member
	h.data(h.ok("GET", "/openldap/members/jdupont", ""), &m)
	want := member{
		UID: "jdupont", GivenName: "Jean", SN: "Dupont", DisplayName: "Jean Dupont",
		Mail: "jean.dupont@example.com", OU: "example.com", DN: m.DN, UIDNumber: m.UIDNumber, GIDNumber: 5004,
	}
	if m != want || !directory.EqualDN(m.DN, jdupontDN) || m.UIDNumber < 10000 {
		t.Fatalf("member = %+v\nwant %+v", m, want)
	}
	// gpid 0 is the organization's default group: primary group and member.
	if got := h.groupsOf("jdupont"); !slices.Equal(got, []string{"example.com-users"}) {
		t.Fatalf("groups after create = %v", got)
	}
	var groups []memberGroup
	h.data(h.ok("GET", "/openldap/members/jdupont/groups", ""), &groups)
	if len(groups) != 1 || groups[0].GID != 5004 || groups[0].Name != "example.com-users" || groups[0].OU != "example.com" ||
		!directory.EqualDN(groups[0].DN, "cn=example.com-users,ou=groups,ou=example.com,ou=organizations,dc=example,dc=com") {
		t.Fatalf("member groups = %+v", groups)
	}
	if u := h.user("jdupont"); u == nil || u.UIDNumber != m.UIDNumber {
		t.Fatalf("directory user = %+v", u)
	}
	if _, err := h.domain.Authenticate(t.Context(), identity.Caller{}, directory.ByName("jdupont"), "S3cr3t!"); err != nil {
		t.Fatalf("the created password does not verify: %v", err)
	}

	h.ok("PUT", "/openldap/members/jdupont", `{"mobile":"+33600000000"}`)
	h.ok("PUT", "/openldap/members/jdupont", seedUpdate)
	u := h.user("jdupont")
	if u.GivenName != "Jean" || u.Surname != "Dupont" || u.Mail != "j.dupont@example.com" || u.Title != "Director" ||
		u.Telephone != "+33123456789" || len(u.Mobile) != 0 {
		t.Fatalf("after update: %+v", u)
	}

	h.ok("POST", "/openldap/members/jdupont/password", seedPassword)
	if _, err := h.domain.Authenticate(t.Context(), identity.Caller{}, directory.ByName("jdupont"), "N3wPass!"); err != nil {
		t.Fatalf("the new password does not verify: %v", err)
	}
	if _, err := h.domain.Authenticate(t.Context(), identity.Caller{}, directory.ByName("jdupont"), "S3cr3t!"); err == nil {
		t.Fatal("the old password still verifies")
	}
	if strings.Contains(h.audit.String(), "N3wPass!") || strings.Contains(h.audit.String(), "S3cr3t!") {
		t.Fatal("a password reached the audit log")
	}

	h.ok("DELETE", "/openldap/members/jdupont", "")
	if h.user("jdupont") != nil {
		t.Fatal("jdupont still exists after DELETE")
	}
	h.refused("GET", "/openldap/members/jdupont", "", "member jdupont not found")
	h.refused("DELETE", "/openldap/members/jdupont", "", "member jdupont not found")
}

func TestCreateMemberRefusals(t *testing.T) {
	h := newHarness(t, nil)
	h.ok("POST", "/openldap/members", seedCreate)
	cases := []struct{ name, body, want string }{
		{"malformed JSON", `{"login":"a",`, "malformed JSON"},
		{"not an object", `["login"]`, "a JSON object is expected"},
		{"empty body", ``, "a JSON object is expected"},
		{"trailing data", `{"login":"x1","password":"Secret1!","ou":"example.com"} {}`, "unexpected data"},
		{"login of the wrong type", `{"login":5,"password":"Secret1!","ou":"example.com"}`, "login must be a string"},
		{"gpid of the wrong type", `{"login":"x1","password":"Secret1!","ou":"example.com","gpid":"abc"}`, "gpid must be"},
		{"negative gpid", `{"login":"x1","password":"Secret1!","ou":"example.com","gpid":-3}`, "gpid must be"},
		{"missing login", `{"password":"Secret1!","ou":"example.com"}`, `login "" is empty`},
		{"missing password", `{"login":"x1","ou":"example.com"}`, "password is required"},
		{"missing ou", `{"login":"x1","password":"Secret1!"}`, "ou is required"},
		{"unknown ou", `{"login":"x1","password":"Secret1!","ou":"other.org"}`, `unknown organization "other.org"`},
		{"ou with a filter metacharacter", `{"login":"x1","password":"Secret1!","ou":"example.com)(uid=*"}`, "contains one of the characters"},
		{"login with a DN metacharacter", `{"login":"x1,ou=evil","password":"Secret1!","ou":"example.com"}`, "contains one of the characters"},
		{"login with a filter wildcard", `{"login":"*","password":"Secret1!","ou":"example.com"}`, "contains one of the characters"},
		{"login with NUL", `{"login":"x1\u0000","password":"Secret1!","ou":"example.com"}`, "control character"},
		{"body not UTF-8", "{\"login\":\"x1\",\"password\":\"Secret1!\",\"ou\":\"example.com\",\"firstname\":\"J\xffrg\"}", "not valid UTF-8"},
		{"a lone surrogate", `{"login":"x1","password":"Secret1!","ou":"example.com","firstname":"J\ud800rg"}`, "lone UTF-16 surrogate"},
		{"a lone low surrogate in the login", `{"login":"x1\udc00","password":"Secret1!","ou":"example.com"}`, "lone UTF-16 surrogate"},
		{"unknown gpid", `{"login":"x1","password":"Secret1!","ou":"example.com","gpid":4242}`, "group 4242 not found"},
		{"taken login", seedCreate, "member jdupont already exists"},
		{"weak password", `{"login":"x1","password":"abc","ou":"example.com"}`, "password does not meet the policy"},
		{"bad email", `{"login":"x1","password":"Secret1!","ou":"example.com","email":"not an email"}`, "email"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h.t = t
			h.refused("POST", "/openldap/members", tc.body, tc.want)
			if h.user("x1") != nil {
				t.Fatal("x1 was created")
			}
		})
	}
	h.t = t
	big := `{"login":"x1","password":"Secret1!","ou":"example.com","firstname":"` + strings.Repeat("a", 70<<10) + `"}`
	h.refused("POST", "/openldap/members", big, "request body too large")
	if h.user("x1") != nil {
		t.Fatal("x1 was created by an oversized body")
	}
}

func TestCreateMemberWithGroupOfAnotherOrganizationIsRefused(t *testing.T) {
	h := newHarness(t, func(c *Config) {
		c.MultipleOrganizations = true
		c.Organizations = []string{"example.com", "branch.example.com"}
	})
	var g group
	h.data(h.ok("POST", "/openldap/groups", `{"name":"branchstaff","ou":"branch.example.com"}`), &g)
	body := `{"login":"x1","password":"Secret1!","ou":"example.com","gpid":` + itoa(g.GID) + `}`
	h.refused("POST", "/openldap/members", body, "does not belong to the organization example.com")
	if h.user("x1") != nil {
		t.Fatal("x1 was created")
	}
	// A numeric string is a gpid too.
	h.ok("POST", "/openldap/members", `{"login":"x2","password":"Secret1!","ou":"branch.example.com","gpid":"`+itoa(g.GID)+`"}`)
	if u := h.user("x2"); u == nil || u.GIDNumber != g.GID || !directory.IsUnder(u.DN, "ou=users,ou=branch.example.com,ou=organizations,dc=example,dc=com") {
		t.Fatalf("x2 = %+v", u)
	}
	var orgs []string
	h.data(h.ok("GET", "/openldap/ous", ""), &orgs)
	if !slices.Equal(orgs, []string{"example.com", "branch.example.com"}) {
		t.Fatalf("ous = %v", orgs)
	}
}

func TestUpdateMemberRefusesTheWholeRequest(t *testing.T) {
	h := newHarness(t, nil)
	h.ok("POST", "/openldap/members", seedCreate)
	before := h.user("jdupont")
	for body, want := range map[string]string{
		`{"title":"Boss","uidNumber":"0"}`:     `attribute "uidNumber" cannot be modified`,
		`{"title":"Boss","userPassword":"x"}`:  `attribute "userPassword" cannot be modified`,
		`{"title":"Boss","cn":"x"}`:            `attribute "cn" cannot be modified`,
		`{"title":"Boss","sn":["a"]}`:          "sn must be a string",
		`{"title":"Boss","mail":"not a mail"}`: "email",
		`{"title":"Boss"`:                      "malformed JSON",
		`"title"`:                              "a JSON object is expected",
	} {
		h.refused("PUT", "/openldap/members/jdupont", body, want)
	}
	after := h.user("jdupont")
	if after.Title != before.Title || after.Surname != before.Surname || after.Mail != before.Mail {
		t.Fatalf("a refused update changed the user: %+v", after)
	}
	h.refused("PUT", "/openldap/members/nobody", `{"title":"x"}`, "member nobody not found")
	h.refused("PUT", "/openldap/members/no*body", `{"title":"x"}`, "contains one of the characters")
	h.refused("POST", "/openldap/members/nobody/password", seedPassword, "member nobody not found")
	h.refused("POST", "/openldap/members/jdupont/password", `{}`, "password is required")
	h.refused("POST", "/openldap/members/jdupont/password", `{"password":1}`, "password must be a string")
	h.refused("POST", "/openldap/members/jdupont/password", `{"password":"123"}`, "at least 6 characters")
	h.refused("GET", "/openldap/members/nobody/groups", "", "member nobody not found")
	h.refused("GET", "/openldap/members/a%29%28uid=%2A", "", "contains one of the characters")
	h.refused("GET", "/openldap/members/a%00b", "", "control character")
}

func TestMembersOutsideTheOrganizationsAreOutOfReach(t *testing.T) {
	h := newHarness(t, nil)
	h.ok("GET", "/openldap/groups?ou=example.com", "") // sets the organization up
	caller := identity.Caller{Name: "test"}
	if _, err := h.domain.CreateOU(t.Context(), caller, directory.NewOU{Name: "people"}); err != nil && !errors.Is(err, directory.ErrAlreadyExists) {
		t.Fatal(err)
	}
	if _, err := h.domain.CreateUser(t.Context(), caller, directory.NewUser{Username: "admin", Password: "Adm1n-Secret"}); err != nil {
		t.Fatal(err)
	}
	h.refused("GET", "/openldap/members/admin", "", "permission denied for member admin")
	h.refused("DELETE", "/openldap/members/admin", "", "permission denied")
	h.refused("POST", "/openldap/members/admin/password", seedPassword, "permission denied")
	h.refused("PUT", "/openldap/members/admin", `{"title":"x"}`, "permission denied")
	if h.user("admin") == nil {
		t.Fatal("admin was deleted through Artica")
	}
	if _, err := h.domain.Authenticate(t.Context(), caller, directory.ByName("admin"), "Adm1n-Secret"); err != nil {
		t.Fatal("admin's password was changed through Artica")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestDeletedDefaultGroupIsSetUpAgain(t *testing.T) {
	h := newHarness(t, nil)
	h.ok("POST", "/openldap/members", seedCreate)
	h.ok("DELETE", "/openldap/members/jdupont", "")
	if err := h.domain.DeleteGroup(t.Context(), identity.Caller{Name: "test"}, directory.ByNumber(5004)); err != nil {
		t.Fatal(err)
	}
	h.ok("POST", "/openldap/members", seedCreate)
	u := h.user("jdupont")
	if u == nil || u.GIDNumber != 5005 {
		t.Fatalf("jdupont = %+v, want the new default group 5005 as primary group", u)
	}
	if got := h.groupsOf("jdupont"); !slices.Equal(got, []string{"example.com-users"}) {
		t.Fatalf("groups = %v", got)
	}
}

func TestEmbeddedStoreRefusesNonOUContainers(t *testing.T) {
	core := inproc.New(t, identity.DomainConfig{Name: "example.com"}, "dc=example,dc=com").Core
	cfg := DefaultConfig()
	cfg.UsersDN = "ou=users,ou={org},dc=artica,{suffix}"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	_, err := cfg.Build(dialect.Deps{Core: core})
	if err == nil || !strings.Contains(err.Error(), "the embedded store keeps only ou= containers, not dc=artica,dc=example,dc=com") {
		t.Fatalf("Build = %v", err)
	}
}
