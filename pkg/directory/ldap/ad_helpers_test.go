package ldap_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// The AD tests share one DC with every other package of the run (its
// ports are fixed), so each top-level test works below an OU of its own,
// which is also the backend's base: whole-base searches, exports and
// imports never touch another package's entries.

// adConfig returns an "ad" profile configuration for the test DC with
// base as its base DN, over LDAPS, trusting the DC's certificate.
func adConfig(srv *samba.Server, base string) ldap.Config {
	c := *ldap.NewConfig()
	c.Profile = "ad"
	c.URLs = []string{srv.URL}
	c.BindDN, c.BindPassword = srv.AdminDN, srv.AdminPassword
	c.BaseDN = base
	c.TLS.CAFile, c.TLS.ServerName = srv.CAFile, srv.ServerName
	c.ExtraAttributes = extraAttrs // employeeNumber and departmentNumber: AD's user has both
	return c
}

// adOU creates an empty OU below parent and removes it with everything
// below when the test ends, protected OUs included (their protection is
// lifted first).
func adOU(t testing.TB, srv *samba.Server, parent string) string {
	t.Helper()
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	dn := fmt.Sprintf("OU=t-%08x,%s", rand.Uint32(), parent)
	req := goldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"organizationalUnit"})
	if err := conn.Add(req); err != nil {
		t.Fatalf("creating %s: %v", dn, err)
	}
	t.Cleanup(func() {
		if err := srv.DeleteTree(dn); err != nil {
			t.Errorf("removing %s: %v", dn, err)
		}
	})
	return dn
}

// adBase is the OU a top-level test works below: adOU under the domain.
func adBase(t testing.TB, srv *samba.Server) string { return adOU(t, srv, srv.BaseDN) }

// adCounters makes uid/gid counters of the test's own below base (an
// msSFU30DomainInfo entry, in a container: its only possible parent) and
// returns their DN for countersDN. The domain's own counters are shared
// by every package using the DC at the same time, so tests that count on
// the numbers they draw must not use them.
func adCounters(t testing.TB, srv *samba.Server, base string) string {
	t.Helper()
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	container := "CN=Counters," + base
	dn := "CN=dirgate," + container
	for _, e := range []struct{ dn, class string }{{container, "container"}, {dn, "msSFU30DomainInfo"}} {
		req := goldap.NewAddRequest(e.dn, nil)
		req.Attribute("objectClass", []string{e.class})
		if err := conn.Add(req); err != nil {
			t.Fatalf("creating %s: %v", e.dn, err)
		}
	}
	return dn
}
