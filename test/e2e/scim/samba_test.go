package scim_test

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
)

// TestEntraIDProvisioningOnSambaAD replays Entra ID's sequence on Active
// Directory (Samba's AD DC, the ldap backend's "ad" profile): the same
// requests, with a userName and an externalId AD takes (sAMAccountName
// holds at most 20 characters, employeeID 16, as an Entra mapping of
// mailNickname gives), checked in AD's own attributes
// (userAccountControl for the account state).
func TestEntraIDProvisioningOnSambaAD(t *testing.T) {
	srv := samba.Start(t)
	dial := func(t *testing.T) *ldap.Conn {
		t.Helper()
		c, err := srv.Dial()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	// A base of the test's own under the domain, so runs and packages
	// sharing the DC never meet.
	base := fmt.Sprintf("OU=scim-%08x,%s", rand.Uint32(), srv.BaseDN)
	c := dial(t)
	add := func(dn string, attrs map[string][]string) {
		t.Helper()
		req := ldap.NewAddRequest(dn, nil)
		for k, v := range attrs {
			req.Attribute(k, v)
		}
		if err := c.Add(req); err != nil {
			t.Fatalf("add %s: %v", dn, err)
		}
	}
	add(base, map[string][]string{"objectClass": {"organizationalUnit"}})
	t.Cleanup(func() {
		if err := srv.DeleteTree(base); err != nil {
			t.Errorf("removing %s: %v", base, err)
		}
	})
	counters := "CN=dirgate,CN=Counters," + base
	add("CN=Counters,"+base, map[string][]string{"objectClass": {"container"}})
	add(counters, map[string][]string{"objectClass": {"msSFU30DomainInfo"}})
	backend := map[string]any{"type": "ldap", "config": map[string]any{
		"urls":         []string{srv.URL},
		"bindDN":       srv.AdminDN,
		"bindPassword": srv.AdminPassword,
		"profile":      "ad",
		"baseDN":       base,
		"countersDN":   counters,
		"tls":          map[string]any{"caFile": srv.CAFile, "serverName": srv.ServerName},
	}}
	s := startOn(t, samba.DNSDomain, backend, map[string]any{"baseDN": base, "usersDN": base, "groupsDN": base}, dial, base)
	runEntra(t, s, dirView{
		user: func(n string) string {
			return "(&(objectClass=user)(sAMAccountName=" + ldap.EscapeFilter(n) + "))"
		},
		group: func(n string) string {
			return "(&(objectClass=group)(sAMAccountName=" + ldap.EscapeFilter(n) + "))"
		},
		disabled: func(e *ldap.Entry) bool {
			uac, _ := strconv.Atoi(e.GetAttributeValue("userAccountControl"))
			return uac&0x2 != 0 // ACCOUNTDISABLE
		},
		stateAttrs:      []string{"userAccountControl"},
		userName:        "Test_User_ab6490ee",
		renamed:         "5b50642d-79fc",
		manager:         "Test_Manager",
		externalID:      "0a21f0f2-8d2a",
		groupExternalID: "8aa1a0c0-c4c3",
	})
}
