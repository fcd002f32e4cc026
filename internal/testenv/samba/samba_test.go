package samba

import (
	"strconv"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

func TestStartServesTheDomainOverLDAPS(t *testing.T) {
	s := Start(t)
	conn, err := s.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	res, err := conn.Search(ldap.NewSearchRequest(s.BaseDN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 10, false,
		"(objectClass=domain)", []string{"lockoutThreshold", "objectGUID"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 1 {
		t.Fatalf("got %d domain entries", len(res.Entries))
	}
	e := res.Entries[0]
	if got := e.GetAttributeValue("lockoutThreshold"); got != strconv.Itoa(s.LockoutThreshold) {
		t.Errorf("lockoutThreshold = %q, want %d", got, s.LockoutThreshold)
	}
	if len(e.GetRawAttributeValue("objectGUID")) != 16 {
		t.Error("the domain has no 16-byte objectGUID")
	}
	if Start(t) != s {
		t.Error("a second Start in the same process started another DC")
	}
}

func TestPlainBindsNeedTransportSecurity(t *testing.T) {
	s := Start(t)
	conn, err := ldap.DialURL(s.StartTLSURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	err = conn.Bind(s.AdminUPN, s.AdminPassword)
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultStrongAuthRequired) {
		t.Fatalf("a plaintext simple bind gave %v, want strongAuthRequired", err)
	}
	cfg, err := s.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.StartTLS(cfg); err != nil {
		t.Fatal(err)
	}
	if err := conn.Bind(s.AdminUPN, s.AdminPassword); err != nil {
		t.Fatalf("bind after StartTLS: %v", err)
	}
}
