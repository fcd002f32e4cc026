package adweb_test

import (
	"crypto/tls"
	"testing"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// fixture is one directory server and what the suite must know about it:
// where things are, how they are spelt, and how to look at them directly.
// Adding a backend (Samba AD) is one more function returning a fixture.
type fixture struct {
	name string
	// fqdn is the domain's name, selected by the requests' FQDN; base its
	// base DN.
	fqdn, base string
	// backend is the domain's `backend:` block for dirgate's configuration.
	backend map[string]any
	// dial returns a connection bound as the directory's administrator.
	dial func(t *testing.T) *ldap.Conn
	// url is the LDAP URL users bind to.
	url string
	// userRDN is the attribute naming users (uid on OpenLDAP, cn on AD);
	// upnAttr the attribute UserPrincipalName is stored in.
	userRDN, upnAttr string
	// lockout is how many failed binds lock an account.
	lockout int
	// addOU and addGroup create the fixture's containers and groups.
	addOU    func(t *testing.T, c *ldap.Conn, dn string)
	addGroup func(t *testing.T, c *ldap.Conn, dn string)
	// mustChange reports whether the user at dn must change its password.
	mustChange func(t *testing.T, c *ldap.Conn, dn string) bool
	// disabled reports whether the account at dn is disabled; protected
	// whether the OU at dn is protected from deletion.
	disabled  func(t *testing.T, c *ldap.Conn, dn string) bool
	protected func(t *testing.T, c *ldap.Conn, dn string) bool

	// Optional, for directories that differ from OpenLDAP:
	//
	// domain holds further keys of the domain's configuration (baseDN).
	domain map[string]any
	// tls secures the binds to url (nil: plaintext).
	tls *tls.Config
	// rightButRefused reports a refused bind whose password was right
	// (AD refuses the bind of a password that must be changed).
	rightButRefused func(err error) bool
	// passwords replaces example passwords the directory's policy refuses
	// (AD's complexity rule) by ones it takes.
	passwords map[string]string
	// metaUser is a username full of metacharacters that the directory
	// can store (AD's sAMAccountName refuses most of them).
	metaUser string
}

// password is the password the suite uses for an example's password p.
func (f *fixture) password(p string) string {
	if q, ok := f.passwords[p]; ok {
		return q
	}
	return p
}

// openLDAP is a private slapd with dirgate's schema, the groupOfNames
// model, memberof/refint and ppolicy (lockout after 5 failed binds, until
// an administrator unlocks).
func openLDAP(t *testing.T) *fixture {
	srv, backend := e2eutil.LDAP(t, slapd.Options{Suffix: "dc=dart,dc=org", Lockout: 5})
	backend["config"].(map[string]any)["extraAttributes"] = []string{"pager"}
	return &fixture{
		name: "openldap", fqdn: "dart.org", base: "dc=dart,dc=org", backend: backend,
		dial: func(t *testing.T) *ldap.Conn { return srv.Dial(t) },
		url:  srv.URL, userRDN: "uid", upnAttr: "dirgatePrincipalName", lockout: 5,
		addOU: func(t *testing.T, c *ldap.Conn, dn string) {
			name, _ := firstValue(dn)
			add(t, c, dn, map[string][]string{"objectClass": {"top", "organizationalUnit"}, "ou": {name}})
		},
		addGroup: func(t *testing.T, c *ldap.Conn, dn string) {
			name, _ := firstValue(dn)
			add(t, c, dn, map[string][]string{
				"objectClass": {"top", "groupOfNames", "posixGroup"}, "cn": {name}, "gidNumber": {"20001"}, "member": {""},
			})
		},
		mustChange: func(t *testing.T, c *ldap.Conn, dn string) bool {
			return read(t, c, dn, "pwdReset").GetAttributeValue("pwdReset") == "TRUE"
		},
		disabled: func(t *testing.T, c *ldap.Conn, dn string) bool {
			return read(t, c, dn, "pwdAccountLockedTime").GetAttributeValue("pwdAccountLockedTime") == "000001010000Z"
		},
		protected: func(t *testing.T, c *ldap.Conn, dn string) bool {
			return read(t, c, dn, "dirgateProtected").GetAttributeValue("dirgateProtected") == "TRUE"
		},
	}
}

func firstValue(dn string) (string, error) {
	parsed, err := ldap.ParseDN(dn)
	if err != nil || len(parsed.RDNs) == 0 {
		return "", err
	}
	return parsed.RDNs[0].Attributes[0].Value, nil
}

func add(t *testing.T, c *ldap.Conn, dn string, attrs map[string][]string) {
	t.Helper()
	req := ldap.NewAddRequest(dn, nil)
	for k, v := range attrs {
		req.Attribute(k, v)
	}
	if err := c.Add(req); err != nil {
		t.Fatalf("add %s: %v", dn, err)
	}
}

// read reads one entry (nil when absent).
func read(t *testing.T, c *ldap.Conn, dn string, attrs ...string) *ldap.Entry {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", attrs, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		t.Fatalf("read %s: %v", dn, err)
	}
	return res.Entries[0]
}

// bind tries a simple bind as dn on a fresh connection. A bind the
// directory refuses only because the password must be changed first
// counts as a success: the password was right.
func (f *fixture) bind(t *testing.T, dn, password string) error {
	t.Helper()
	var opts []ldap.DialOpt
	if f.tls != nil {
		opts = append(opts, ldap.DialWithTLSConfig(f.tls))
	}
	c, err := ldap.DialURL(f.url, opts...)
	if err != nil {
		t.Fatalf("dial %s: %v", f.url, err)
	}
	defer c.Close()
	err = c.Bind(dn, password)
	if err != nil && f.rightButRefused != nil && f.rightButRefused(err) {
		return nil
	}
	return err
}

// userDN is where a user of that name lives under parent.
func (f *fixture) userDN(name, parent string) string {
	return f.userRDN + "=" + ldap.EscapeDN(name) + "," + parent
}

// hasMember reports whether the group's member values name dn.
func hasMember(t *testing.T, c *ldap.Conn, group, dn string) bool {
	t.Helper()
	g := read(t, c, group, "member")
	if g == nil {
		return false
	}
	want, _ := ldap.ParseDN(dn)
	for _, m := range g.GetAttributeValues("member") {
		if got, err := ldap.ParseDN(m); err == nil && m != "" && got.EqualFold(want) {
			return true
		}
	}
	return false
}
