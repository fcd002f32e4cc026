package samba

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// FreshOU creates an empty OU with a random name below parent for one
// test and removes it with everything below when the test ends
// (DeleteTree): the DC is shared by every package's tests and outlives
// them.
func (s *Server) FreshOU(tb testing.TB, parent string) string {
	tb.Helper()
	conn, err := s.Dial()
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	dn := fmt.Sprintf("OU=t-%08x,%s", rand.Uint32(), parent)
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"organizationalUnit"})
	if err := conn.Add(req); err != nil {
		tb.Fatalf("creating %s: %v", dn, err)
	}
	tb.Cleanup(func() {
		if err := s.DeleteTree(dn); err != nil {
			tb.Errorf("removing %s: %v", dn, err)
		}
	})
	return dn
}

// Counters makes uid/gid counters of the test's own below base (an
// msSFU30DomainInfo entry, in a container: its only possible parent) and
// returns their DN for countersDN. The domain's own counters are shared
// by every package using the DC at the same time, so tests that count on
// the numbers they draw must not use them.
func (s *Server) Counters(tb testing.TB, base string) string {
	tb.Helper()
	conn, err := s.Dial()
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	container := "CN=Counters," + base
	dn := "CN=dirgate," + container
	for _, e := range []struct{ dn, class string }{{container, "container"}, {dn, "msSFU30DomainInfo"}} {
		req := ldap.NewAddRequest(e.dn, nil)
		req.Attribute("objectClass", []string{e.class})
		if err := conn.Add(req); err != nil {
			tb.Fatalf("creating %s: %v", e.dn, err)
		}
	}
	return dn
}
