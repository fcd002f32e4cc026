package artica

import (
	"slices"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestGroups(t *testing.T) {
	h := newHarness(t, nil)
	h.ok("POST", "/openldap/members", seedCreate)

	var listed []group
	h.data(h.ok("GET", "/openldap/groups?ou=example.com", ""), &listed)
	if len(listed) != 1 || listed[0].GID != 5004 || listed[0].Name != "example.com-users" || listed[0].OU != "example.com" {
		t.Fatalf("groups = %+v", listed)
	}

	a := h.ok("POST", "/openldap/groups", seedGroup)
	var g group
	h.data(a, &g)
	if g.GID != 5005 || g.Name != "accountants" || g.OU != "example.com" ||
		!directory.EqualDN(g.DN, "cn=accountants,ou=groups,ou=example.com,ou=organizations,dc=example,dc=com") {
		t.Fatalf("created group = %+v", g)
	}
	if a.Info != "group accountants created with gid 5005" {
		t.Errorf("Info = %q", a.Info)
	}
	if got := h.groupsOf("jdupont"); !slices.Contains(got, "accountants") {
		t.Fatalf("jdupont not linked at creation: %v", got)
	}

	h.ok("DELETE", "/openldap/groups/5005/members/jdupont", "")
	if got := h.groupsOf("jdupont"); slices.Contains(got, "accountants") {
		t.Fatalf("jdupont still in accountants: %v", got)
	}
	h.refused("DELETE", "/openldap/groups/5005/members/jdupont", "", "member jdupont of group 5005 not found")
	h.ok("POST", "/openldap/groups/5005/members/jdupont", "")
	h.ok("POST", "/openldap/groups/5005/members/jdupont", "") // linking again is no error
	if got := h.groupsOf("jdupont"); !slices.Contains(got, "accountants") {
		t.Fatalf("jdupont not linked: %v", got)
	}

	h.data(h.ok("GET", "/openldap/groups?ou=example.com", ""), &listed)
	if len(listed) != 2 || listed[0].GID != 5004 || listed[1].GID != 5005 || listed[1].Name != "accountants" {
		t.Fatalf("groups = %+v", listed)
	}
	h.ok("POST", "/openldap/groups", `{"name":"auditors","ou":"example.com"}`)
	h.data(h.ok("GET", "/openldap/groups?ou=EXAMPLE.COM", ""), &listed)
	if len(listed) != 3 || listed[2].GID != 5006 {
		t.Fatalf("groups = %+v", listed)
	}
}

func TestGroupRefusals(t *testing.T) {
	h := newHarness(t, nil)
	h.ok("POST", "/openldap/members", seedCreate)
	h.ok("POST", "/openldap/groups", seedGroup)

	h.refused("GET", "/openldap/groups", "", "ou is required")
	h.refused("GET", "/openldap/groups?ou=other.org", "", `unknown organization "other.org"`)
	h.refused("GET", "/openldap/groups?ou=%2A", "", "contains one of the characters")

	for body, want := range map[string]string{
		`{"name":"accountants","ou":"example.com"}`:         "group accountants already exists",
		`{"name":"x*","ou":"example.com"}`:                  "contains one of the characters",
		`{"name":"a=b,dc=x","ou":"example.com"}`:            "contains one of the characters",
		`{"name":"","ou":"example.com"}`:                    "is empty",
		`{"name":"g1","ou":"nowhere"}`:                      "unknown organization",
		`{"name":"g1","ou":"example.com","uid":"nobody"}`:   "member nobody not found",
		`{"name":"g1","ou":"example.com","uid":"a)(uid=*"}`: "contains one of the characters",
		`{"name":["g1"],"ou":"example.com"}`:                "name must be a string",
		`{"name":"g1","ou":"example.com"`:                   "malformed JSON",
	} {
		h.refused("POST", "/openldap/groups", body, want)
	}
	var listed []group
	h.data(h.ok("GET", "/openldap/groups?ou=example.com", ""), &listed)
	if len(listed) != 2 {
		t.Fatalf("a refused create left a group behind: %+v", listed)
	}

	h.refused("POST", "/openldap/groups/4242/members/jdupont", "", "group 4242 not found")
	h.refused("POST", "/openldap/groups/5005/members/nobody", "", "member nobody not found")
	h.refused("POST", "/openldap/groups/abc/members/jdupont", "", `gid "abc" is not a positive number`)
	h.refused("POST", "/openldap/groups/-1/members/jdupont", "", "is not a positive number")
	h.refused("DELETE", "/openldap/groups/0/members/jdupont", "", "is not a positive number")
	h.refused("POST", "/openldap/groups/5005/members/j%2Cdupont", "", "contains one of the characters")
}
