package adweb_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
)

// TestAdWebSambaAD runs the suite on the product AD Web was made for:
// Active Directory, here Samba's AD DC, through the ldap backend's "ad"
// profile.
func TestAdWebSambaAD(t *testing.T) {
	runSuite(t, sambaAD(t))
}

// sambaAD is the test run's Samba AD DC (one per machine: its ports are
// fixed, so every package shares it). The suite works below an OU of its
// own, which is the domain's base for dirgate, so its fixed names
// (ou=Dart ...) never meet another package's or another run's, and the
// ACEs a protected OU puts on its parent land on that OU, not on the
// domain.
func sambaAD(t *testing.T) *fixture {
	srv := samba.Start(t)
	tlsConfig, err := srv.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	dial := func(t *testing.T) *ldap.Conn {
		t.Helper()
		c, err := srv.Dial()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	base := fmt.Sprintf("OU=adweb-%08x,%s", rand.Uint32(), srv.BaseDN)
	c := dial(t)
	add(t, c, base, map[string][]string{"objectClass": {"organizationalUnit"}})
	t.Cleanup(func() {
		if err := srv.DeleteTree(base); err != nil {
			t.Errorf("removing %s: %v", base, err)
		}
	})
	// uid/gid counters of the suite's own: the domain's are shared by
	// every package using the DC at the same time.
	counters := "CN=dirgate,CN=Counters," + base
	add(t, c, "CN=Counters,"+base, map[string][]string{"objectClass": {"container"}})
	add(t, c, counters, map[string][]string{"objectClass": {"msSFU30DomainInfo"}})
	backend := map[string]any{"type": "ldap", "config": map[string]any{
		"urls":            []string{srv.URL},
		"bindDN":          srv.AdminDN,
		"bindPassword":    srv.AdminPassword,
		"profile":         "ad",
		"baseDN":          base,
		"countersDN":      counters,
		"tls":             map[string]any{"caFile": srv.CAFile, "serverName": srv.ServerName},
		"extraAttributes": []string{"pager"},
	}}
	return &fixture{
		name: "samba-ad", fqdn: samba.DNSDomain, base: base, backend: backend,
		domain: map[string]any{"baseDN": base, "usersDN": base, "groupsDN": base},
		dial:   dial, url: srv.URL, tls: tlsConfig,
		userRDN: "cn", upnAttr: "userPrincipalName", lockout: srv.LockoutThreshold,
		addOU: func(t *testing.T, c *ldap.Conn, dn string) {
			add(t, c, dn, map[string][]string{"objectClass": {"organizationalUnit"}})
		},
		addGroup: func(t *testing.T, c *ldap.Conn, dn string) {
			name, _ := firstValue(dn)
			// A global security group, as Active Directory Users and
			// Computers makes one.
			add(t, c, dn, map[string][]string{"objectClass": {"group"}, "sAMAccountName": {name}, "groupType": {"-2147483646"}})
		},
		mustChange: func(t *testing.T, c *ldap.Conn, dn string) bool {
			return read(t, c, dn, "pwdLastSet").GetAttributeValue("pwdLastSet") == "0"
		},
		disabled: func(t *testing.T, c *ldap.Conn, dn string) bool {
			uac, _ := strconv.Atoi(read(t, c, dn, "userAccountControl").GetAttributeValue("userAccountControl"))
			return uac&0x2 != 0 // ACCOUNTDISABLE
		},
		// Protected as Windows' tools protect an OU: the DC refuses the
		// delete because Everyone is denied DELETE; dirgate's marker too.
		protected: func(t *testing.T, c *ldap.Conn, dn string) bool {
			e := readSD(t, c, dn)
			return e.GetAttributeValue("dirgateProtected") == "TRUE" && deniesEveryoneDelete(e.GetRawAttributeValue("nTSecurityDescriptor"))
		},
		// AD refuses the bind of a right password that must be changed
		// first, with data 773.
		rightButRefused: func(err error) bool {
			return ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) && bytes.Contains([]byte(err.Error()), []byte("data 773"))
		},
		// The first example password has two character classes; AD's
		// complexity rule wants three.
		passwords: map[string]string{seedPasswordFirst: "Dummy@ssw0rd"},
		// sAMAccountName refuses " / \ [ ] : ; | = , + * ? < >: the
		// metacharacters left are the filter's parentheses and the DN's #.
		metaUser: "m(i)c#h'a&e!l",
	}
}

// readSD reads an OU's marker and DACL (SD flags control: DACL only).
func readSD(t *testing.T, c *ldap.Conn, dn string) *ldap.Entry {
	t.Helper()
	sd := ldap.NewControlMicrosoftSDFlags()
	sd.ControlValue = 4
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"dirgateProtected", "nTSecurityDescriptor"}, []ldap.Control{sd}))
	if err != nil {
		t.Fatalf("read %s: %v", dn, err)
	}
	return res.Entries[0]
}

// deniesEveryoneDelete reports whether a security descriptor's DACL holds
// an ACE denying Everyone (S-1-1-0) DELETE.
func deniesEveryoneDelete(sd []byte) bool {
	if len(sd) < 20 {
		return false
	}
	off := binary.LittleEndian.Uint32(sd[16:20])
	if off == 0 || int(off)+8 > len(sd) {
		return false
	}
	acl := sd[off:]
	count, rest := int(binary.LittleEndian.Uint16(acl[4:6])), acl[8:]
	everyone := []byte{1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0}
	for range count {
		if len(rest) < 8 {
			return false
		}
		size := int(binary.LittleEndian.Uint16(rest[2:4]))
		if size < 8 || size > len(rest) {
			return false
		}
		if rest[0] == 0x01 && binary.LittleEndian.Uint32(rest[4:8])&0x10000 != 0 && bytes.Equal(rest[8:size], everyone) {
			return true
		}
		rest = rest[size:]
	}
	return false
}
