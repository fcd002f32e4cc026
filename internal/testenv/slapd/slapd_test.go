package slapd_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"golang.org/x/crypto/argon2"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/schema/openldap"
)

func search(t *testing.T, conn *ldap.Conn, base, filter string, attrs ...string) []*ldap.Entry {
	t.Helper()
	res, err := conn.Search(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, filter, attrs, nil))
	if err != nil {
		t.Fatalf("search %s %s: %v", base, filter, err)
	}
	return res.Entries
}

func add(conn *ldap.Conn, dn string, attrs map[string][]string) error {
	req := ldap.NewAddRequest(dn, nil)
	for k, v := range attrs {
		req.Attribute(k, v)
	}
	return conn.Add(req)
}

func TestGroupOfNamesLayout(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{})
	conn := srv.Dial(t)
	if got := search(t, conn, srv.Suffix, "(objectClass=pwdPolicy)", "pwdMaxFailure"); len(got) != 1 || got[0].GetAttributeValue("pwdMaxFailure") != "5" {
		t.Fatalf("default policy: %v", got)
	}
	ou := "ou=t," + srv.Suffix
	if err := add(conn, ou, map[string][]string{"objectClass": {"organizationalUnit", "dirgateObject"}, "ou": {"t"}, "co": {"France"}, "dirgateProtected": {"TRUE"}}); err != nil {
		t.Fatal(err)
	}
	user := "uid=ann," + ou
	if err := add(conn, user, map[string][]string{
		"objectClass": {"inetOrgPerson", "posixAccount", "shadowAccount", "dirgateObject"},
		"uid":         {"ann"}, "cn": {"Ann"}, "sn": {"A"}, "uidNumber": {"10000"}, "gidNumber": {"10000"},
		"homeDirectory": {"/home/ann"}, "dirgatePrincipalName": {"ann@example.com"},
	}); err != nil {
		t.Fatal(err)
	}
	// A groupOfNames carrying a gidNumber (rfc2307bis), empty with the
	// empty DN, then with a member: memberof maintains memberOf.
	group := "cn=staff," + ou
	if err := add(conn, group, map[string][]string{"objectClass": {"groupOfNames", "posixGroup", "dirgateObject"}, "cn": {"staff"}, "gidNumber": {"20000"}, "member": {""}}); err != nil {
		t.Fatal(err)
	}
	mod := ldap.NewModifyRequest(group, nil)
	mod.Add("member", []string{user})
	mod.Delete("member", []string{""})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	if got := search(t, conn, user, "(objectClass=*)", "memberOf"); got[0].GetAttributeValue("memberOf") != group {
		t.Fatalf("memberOf = %q", got[0].GetAttributeValue("memberOf"))
	}
	// The unique overlay refuses a second "ann" under another parent.
	err := add(conn, "uid=ann,"+srv.Suffix, map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {"ann"}, "cn": {"x"}, "sn": {"x"}})
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultConstraintViolation) {
		t.Fatalf("duplicate uid: %v", err)
	}
	// A counter entry of dirgate's schema.
	if err := add(conn, "cn=uidNumber,"+srv.Suffix, map[string][]string{"objectClass": {"dirgateCounter"}, "cn": {"uidNumber"}, "dirgateNextId": {"10000"}}); err != nil {
		t.Fatal(err)
	}
}

func TestPosixGroupLayout(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Groups: slapd.PosixGroup, Disable: slapd.SortVLV | slapd.UniqueUID})
	conn := srv.Dial(t)
	err := add(conn, "cn=staff,"+srv.Suffix, map[string][]string{"objectClass": {"posixGroup", "dirgateObject"}, "cn": {"staff"}, "gidNumber": {"20000"}, "memberUid": {"ann"}})
	if err != nil {
		t.Fatal(err)
	}
	// nis.schema's posixGroup is STRUCTURAL: it cannot join a groupOfNames.
	err = add(conn, "cn=mixed,"+srv.Suffix, map[string][]string{"objectClass": {"groupOfNames", "posixGroup"}, "cn": {"mixed"}, "gidNumber": {"1"}, "member": {""}})
	if err == nil {
		t.Fatal("groupOfNames+posixGroup accepted with the nis schema")
	}
}

func TestStopStartKeepsPortAndData(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{LDIF: "dn: ou=kept,dc=example,dc=com\nobjectClass: organizationalUnit\nou: kept\n"})
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if srv.Running() {
		t.Fatal("running after Stop")
	}
	if _, err := ldap.DialURL(srv.URL); err == nil {
		t.Fatal("dial succeeded while stopped")
	}
	start := time.Now()
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	t.Logf("restart took %v", time.Since(start))
	conn := srv.Dial(t)
	if got := search(t, conn, srv.Suffix, "(ou=kept)"); len(got) != 1 {
		t.Fatalf("extra LDIF entry lost across restart: %v", got)
	}
	// The ldapi socket answers too, as the rootdn over SASL EXTERNAL would;
	// a simple bind is enough to prove it listens.
	lc, err := ldap.DialURL(srv.LDAPIURL)
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	if err := lc.Bind(srv.BindDN, srv.BindPassword); err != nil {
		t.Fatal(err)
	}
}

func TestLockoutPolicy(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Lockout: 2})
	conn := srv.Dial(t)
	dn := "uid=bob," + srv.Suffix
	if err := add(conn, dn, map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {"bob"}, "cn": {"bob"}, "sn": {"bob"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.PasswordModify(ldap.NewPasswordModifyRequest(dn, "", "right")); err != nil {
		t.Fatal(err)
	}
	user, err := ldap.DialURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close()
	for range 2 {
		if err := user.Bind(dn, "wrong"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if err := user.Bind(dn, "right"); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		t.Fatalf("locked account bound: %v", err)
	}
	if got := search(t, conn, dn, "(objectClass=*)", "pwdAccountLockedTime"); got[0].GetAttributeValue("pwdAccountLockedTime") == "" {
		t.Fatal("no pwdAccountLockedTime after the failures")
	}
}

func TestArgon2HashVerifies(t *testing.T) {
	// The PHC string format the argon2 module reads (and the embedded
	// backend writes): $argon2id$v=19$m=...,t=...,p=...$salt$hash.
	salt := []byte("0123456789abcdef")
	key := argon2.IDKey([]byte("password"), salt, 2, 64*1024, 1, 32)
	hash := fmt.Sprintf("{ARGON2}$argon2id$v=%d$m=65536,t=2,p=1$%s$%s", argon2.Version,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
	srv := slapd.Start(t, slapd.Options{})
	conn := srv.Dial(t)
	dn := "uid=carl," + srv.Suffix
	if err := add(conn, dn, map[string][]string{"objectClass": {"inetOrgPerson"}, "uid": {"carl"}, "cn": {"c"}, "sn": {"c"}, "userPassword": {hash}}); err != nil {
		t.Fatal(err)
	}
	user, err := ldap.DialURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close()
	if err := user.Bind(dn, "password"); err != nil {
		t.Fatalf("bind with an {ARGON2} hash: %v", err)
	}
}

func TestProvidersReplicate(t *testing.T) {
	servers := slapd.StartProviders(t, slapd.Options{}, 2)
	a, b := servers[0].Dial(t), servers[1].Dial(t)
	if err := add(b, "ou=fromb,"+servers[1].Suffix, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"fromb"}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, err := a.Search(ldap.NewSearchRequest("ou=fromb,"+servers[0].Suffix, ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil))
		if err == nil && len(res.Entries) == 1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not replicated: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestShippedLDIFSchemasLoad proves the cn=config forms in schema/openldap load
// into a server configured through slapd.d, as an administrator would.
func TestShippedLDIFSchemasLoad(t *testing.T) {
	if !slapd.Available() {
		slapd.Start(t, slapd.Options{}) // skips or fails with the hint
	}
	dir := t.TempDir()
	var ldif strings.Builder
	ldif.WriteString("dn: cn=config\nobjectClass: olcGlobal\ncn: config\n\n")
	ldif.WriteString("dn: cn=schema,cn=config\nobjectClass: olcSchemaConfig\ncn: schema\n\n")
	for _, f := range []string{"/etc/ldap/schema/core.ldif", "/etc/ldap/schema/cosine.ldif", "/etc/ldap/schema/inetorgperson.ldif"} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		ldif.Write(b)
		ldif.WriteString("\n")
	}
	for _, f := range []string{"rfc2307bis.ldif", "dirgate.ldif"} {
		b, err := openldap.File(f)
		if err != nil {
			t.Fatal(err)
		}
		ldif.Write(b)
		ldif.WriteString("\n")
	}
	src := filepath.Join(dir, "config.ldif")
	if err := os.WriteFile(src, []byte(ldif.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	confDir := filepath.Join(dir, "slapd.d")
	if err := os.Mkdir(confDir, 0o700); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("slapadd", "-n0", "-F", confDir, "-l", src).CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) || err != nil {
		t.Fatalf("slapadd -n0: %v\n%s", err, out)
	}
}

func TestTLS(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{})
	pem, err := os.ReadFile(srv.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("no CA certificate")
	}
	tc := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	ls, err := ldap.DialURL(srv.LDAPSURL, ldap.DialWithTLSConfig(tc))
	if err != nil {
		t.Fatalf("ldaps: %v", err)
	}
	defer ls.Close()
	if err := ls.Bind(srv.BindDN, srv.BindPassword); err != nil {
		t.Fatalf("bind over ldaps: %v", err)
	}
	plain, err := ldap.DialURL(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.StartTLS(&tls.Config{RootCAs: pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}); err != nil {
		t.Fatalf("StartTLS: %v", err)
	}
	if err := plain.Bind(srv.BindDN, srv.BindPassword); err != nil {
		t.Fatalf("bind after StartTLS: %v", err)
	}
}

// TestKillStart: a killed server (SIGKILL, no shutdown) comes back on the
// same port with every entry written before the kill, the ldapi socket it
// left behind notwithstanding.
func TestKillStart(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	conn := srv.Dial(t)
	dn := "ou=before-kill," + srv.Suffix
	if err := add(conn, dn, map[string][]string{"objectClass": {"organizationalUnit"}, "ou": {"before-kill"}}); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	if srv.Running() {
		t.Fatal("running after Kill")
	}
	if _, err := ldap.DialURL(srv.URL); err == nil {
		t.Fatal("dial succeeded after Kill")
	}
	start := time.Now()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Logf("start after kill took %v", time.Since(start))
	if got := search(t, srv.Dial(t), dn, "(objectClass=*)"); len(got) != 1 {
		t.Fatalf("entry written before the kill: %v", got)
	}
}

func TestFreezeThaw(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	conn := srv.Dial(t)
	if err := srv.Freeze(); err != nil {
		t.Fatal(err)
	}
	conn.SetTimeout(200 * time.Millisecond)
	if _, err := conn.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, 0, 0, 0, false, "(objectClass=*)", nil, nil)); err == nil {
		t.Fatal("a frozen server answered")
	}
	if err := srv.Thaw(); err != nil {
		t.Fatal(err)
	}
	srv.Dial(t) // answers again
}
