package slapd

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// FreshOU creates an empty OU under the suffix for one test and removes it
// with everything below when the test ends (protected OUs included, which
// a directory port cannot delete).
func (s *Server) FreshOU(tb testing.TB) string {
	tb.Helper()
	conn := s.Dial(tb)
	dn := fmt.Sprintf("ou=t-%08x,%s", rand.Uint32(), s.Suffix)
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"organizationalUnit"})
	req.Attribute("ou", []string{dn[3:13]})
	if err := conn.Add(req); err != nil {
		tb.Fatalf("creating %s: %v", dn, err)
	}
	tb.Cleanup(func() {
		if !s.Running() {
			return
		}
		// Retried: with replication, entries written on another provider
		// may still arrive while the tree is being removed.
		var err error
		for range 5 {
			if err = s.DeleteTree(dn); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		tb.Errorf("removing %s: %v", dn, err)
	})
	return dn
}

// DeleteTree removes dn and everything below it, deepest first.
func (s *Server) DeleteTree(dn string) error {
	conn, err := s.dial()
	if err != nil {
		return err
	}
	defer conn.Close()
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(dn, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", []string{"1.1"}, nil), 500)
	if err != nil {
		return err
	}
	dns := make([]string, len(res.Entries))
	for i, e := range res.Entries {
		dns[i] = e.DN
	}
	slices.SortFunc(dns, func(a, b string) int { return depth(b) - depth(a) })
	for _, d := range dns {
		if err := conn.Del(ldap.NewDelRequest(d, nil)); err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return fmt.Errorf("deleting %s: %w", d, err)
		}
	}
	return nil
}

func depth(dn string) int {
	p, err := ldap.ParseDN(dn)
	if err != nil {
		return 0
	}
	return len(p.RDNs)
}
