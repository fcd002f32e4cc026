package ldap_test

import (
	"errors"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestAttributeMapOverride: an existing directory keeps external ids in
// employeeNumber and has no userPrincipalName; users are plain
// inetOrgPersons. The map says so and the backend follows it.
func TestAttributeMapOverride(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	c := config(srv, slapd.GroupOfNames)
	c.ExtraAttributes = nil
	c.Attributes = map[string]string{"externalId": "employeeNumber", "userPrincipalName": "", "system": "",
		"invitationPending": "", "invitationExpiry": ""}
	c.ObjectClasses = map[string][]string{"user": {"top", "inetOrgPerson"}}
	d := open(t, c)
	base := srv.FreshOU(t)
	ctx := t.Context()

	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "mapped", Surname: "M", ExternalID: "E-42"})
	if err != nil {
		t.Fatal(err)
	}
	if u.ExternalID != "E-42" {
		t.Errorf("ExternalID = %q", u.ExternalID)
	}
	raw := srv.Dial(t)
	res, err := raw.Search(goldap.NewSearchRequest(u.DN, goldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)",
		[]string{"employeeNumber", "objectClass"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	e := res.Entries[0]
	if e.GetAttributeValue("employeeNumber") != "E-42" {
		t.Errorf("employeeNumber = %q", e.GetAttributeValue("employeeNumber"))
	}
	for _, oc := range e.GetAttributeValues("objectClass") {
		if oc == "dirgateObject" {
			t.Error("the user got dirgateObject although the map leaves it out")
		}
	}
	p, err := d.SearchUsers(ctx, directory.Query{Base: base, Filter: directory.Eq(directory.FieldExternalID, "e-42")})
	if err != nil || p.Total != 1 {
		t.Errorf("search by the mapped attribute: %v, %v", p, err)
	}
	_, err = d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "upn", Surname: "U", UserPrincipalName: "upn@x"})
	if !errors.Is(err, directory.ErrNotSupported) {
		t.Errorf("a value for an unmapped attribute: %v, want ErrNotSupported", err)
	}
	_, err = d.SearchUsers(ctx, directory.Query{Base: base, Filter: directory.Present(directory.FieldUserPrincipalName)})
	if !errors.Is(err, directory.ErrInvalidInput) {
		t.Errorf("a search on an unmapped field: %v, want ErrInvalidInput", err)
	}
}
