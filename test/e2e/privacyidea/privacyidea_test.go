// Package privacyidea_test drives the built dirgate binary on a private
// slapd as privacyIDEA clients do, with the dialect's shared suite
// (adapters/privacyidea/privacyideatest), reading the results back from
// slapd itself.
package privacyidea_test

import (
	"strconv"
	"testing"

	"github.com/go-ldap/ldap/v3"
	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/adapters/privacyidea/privacyideatest"
	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }

// fixtureLDIF is the suite's fixture (see privacyideatest): three user
// containers, the admin group and the accounts.
const fixtureLDIF = `dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=sales,dc=example,dc=com
objectClass: organizationalUnit
ou: sales

dn: ou=partners,dc=example,dc=com
objectClass: organizationalUnit
ou: partners

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: uid=piadmin,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: piadmin
cn: PI Admin
sn: Admin
uidNumber: 20001
gidNumber: 10000
homeDirectory: /home/piadmin
userPassword: Admin-Pw-1

dn: uid=salesadmin,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: salesadmin
cn: Sales Admin
sn: Admin
uidNumber: 20002
gidNumber: 10000
homeDirectory: /home/salesadmin
userPassword: Sales-Pw-1

dn: uid=pat,ou=partners,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: pat
cn: Pat Partner
sn: Partner
uidNumber: 20003
gidNumber: 10000
homeDirectory: /home/pat
userPassword: Partner-Pw-1

dn: cn=pi-admins,ou=groups,dc=example,dc=com
objectClass: groupOfNames
objectClass: posixGroup
cn: pi-admins
gidNumber: 20001
member: uid=piadmin,ou=people,dc=example,dc=com
`

func TestPrivacyIDEA(t *testing.T) {
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: fixtureLDIF})
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		"dialects": map[string]any{"privacyidea": map[string]any{"config": map[string]any{
			"secret":       privacyideatest.Secret,
			"defaultRealm": privacyideatest.Realm,
			"resolvers": map[string]any{
				privacyideatest.Resolver:      map[string]any{"subtree": privacyideatest.PeopleDN, "editable": true},
				privacyideatest.SalesResolver: map[string]any{"subtree": privacyideatest.SalesDN, "editable": true},
				privacyideatest.ReadOnly:      map[string]any{"subtree": privacyideatest.PartnersDN},
			},
			"realms": map[string]any{
				privacyideatest.Realm:      map[string]any{"resolvers": []string{privacyideatest.Resolver}},
				privacyideatest.SalesRealm: map[string]any{"resolvers": []string{privacyideatest.SalesResolver}},
				privacyideatest.ReadOnly:   map[string]any{"resolvers": []string{privacyideatest.ReadOnly}},
			},
			"admins": map[string]any{
				"groups": []string{privacyideatest.AdminGroup},
				"dns":    []string{privacyideatest.RealmAdminDN},
			},
			"policies": privacyideatest.Policies(),
		}}},
	})
	// homeDirectory is an IA5String (ASCII) in OpenLDAP's nis schema, and
	// the domain's default "/home/%s" puts the username in it, so slapd
	// refuses to create "wördy" with it whatever the dialect. A home
	// without the username keeps the unicode case about this dialect.
	cfg = withDomainSetting(t, cfg, "homeDirectory", "/home/users")
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})
	privacyideatest.Run(t, privacyideatest.Env{
		URL:    p.URL,
		Dir:    slapdDirectory{srv},
		Output: p.Output,
	})
}

// withDomainSetting sets a key of the first domain of a configuration.
func withDomainSetting(t *testing.T, cfg, key string, value any) string {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(cfg), &doc); err != nil {
		t.Fatal(err)
	}
	domains, _ := doc["domains"].([]any)
	if len(domains) == 0 {
		t.Fatalf("no domain in %s", cfg)
	}
	domains[0].(map[string]any)[key] = value
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// slapdDirectory reads users straight from slapd.
type slapdDirectory struct{ srv *slapd.Server }

func (d slapdDirectory) User(t *testing.T, username string) *privacyideatest.Entry {
	t.Helper()
	conn := d.srv.Dial(t)
	res, err := conn.Search(ldap.NewSearchRequest(privacyideatest.Base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(&(objectClass=posixAccount)(uid="+ldap.EscapeFilter(username)+"))",
		[]string{"uid", "givenName", "sn", "mail", "mobile", "uidNumber"}, nil))
	if err != nil {
		t.Fatalf("search %q: %v", username, err)
	}
	for _, e := range res.Entries {
		// uid matching ignores case; the suite asks for exact names.
		if e.GetAttributeValue("uid") != username {
			continue
		}
		n, _ := strconv.ParseInt(e.GetAttributeValue("uidNumber"), 10, 64)
		return &privacyideatest.Entry{
			DN: e.DN, Username: e.GetAttributeValue("uid"), GivenName: e.GetAttributeValue("givenName"),
			Surname: e.GetAttributeValue("sn"), Mail: e.GetAttributeValue("mail"),
			Mobile: e.GetAttributeValues("mobile"), UIDNumber: n,
		}
	}
	return nil
}
