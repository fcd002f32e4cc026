// Package openapi_test drives the built dirgate binary on a private slapd
// through the OpenAPI users/groups/principals dialect, validating every
// request and response against the dialect's OpenAPI document.
package openapi_test

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }

const (
	base          = "dc=example,dc=com"
	prefix        = "/idm/api"
	adminName     = "oa-admin"
	adminPassword = "Oa-Admin-Pw1"
	// seeded is how many bulk users the fixture holds (bulk0000…).
	seeded = 1000
)

// fixtureLDIF is the tree: the containers, an admin in the admin group
// and the bulk users of the paging test, loaded with slapadd.
func fixtureLDIF() string {
	var b strings.Builder
	b.WriteString(`dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: uid=oa-admin,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: oa-admin
cn: OpenAPI Admin
sn: Admin
displayName: OpenAPI Admin
uidNumber: 19000
gidNumber: 10000
homeDirectory: /home/oa-admin
userPassword: Oa-Admin-Pw1

dn: cn=oa-admins,ou=groups,dc=example,dc=com
objectClass: groupOfNames
objectClass: posixGroup
cn: oa-admins
gidNumber: 19000
member: uid=oa-admin,ou=people,dc=example,dc=com
`)
	for i := range seeded {
		fmt.Fprintf(&b, `
dn: uid=bulk%04d,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: bulk%04d
cn: Bulk %d
sn: Bulk
displayName: Bulk %d
uidNumber: %d
gidNumber: 10000
homeDirectory: /home/bulk%04d
`, i, i, i%10, i%10, 30000+i, i)
	}
	return b.String()
}

// stack is one slapd and one dirgate serving the dialect on it.
type stack struct {
	ldap  *slapd.Server
	proc  *e2eutil.Process
	anon  *openapitest.Client
	admin *openapitest.Client
}

func start(t *testing.T) *stack {
	t.Helper()
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: fixtureLDIF(), Lockout: 3})
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		// The suite locks accounts on purpose, all from one address: the
		// per-account throttle (test/e2e/throttle) would stop it first.
		"server": map[string]any{"throttle": map[string]any{"perAccountAddress": map[string]any{"failures": 0}}},
		"dialects": map[string]any{"openapi": map[string]any{
			"prefix": prefix,
			"config": map[string]any{
				"jwtSecret":   random(48),
				"adminGroup":  "oa-admins",
				"invitations": map[string]any{"secret": random(48)},
			},
		}},
	})
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})
	hc := &http.Client{Timeout: 30 * time.Second}
	s := &stack{ldap: srv, proc: p, anon: openapitest.New(t, p.URL+prefix, hc)}
	s.admin = s.login(t, adminName, adminPassword)
	return s
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

func (s *stack) login(t *testing.T, username, password string) *openapitest.Client {
	t.Helper()
	r := s.anon.Post("/login", map[string]string{"username": username, "password": password})
	expect(t, r, http.StatusOK)
	return s.anon.WithToken(r.Map(t)["token"].(string))
}

// createUser creates a user through the API and returns its id.
func (s *stack) createUser(t *testing.T, body map[string]any) string {
	t.Helper()
	if _, ok := body["password"]; !ok {
		body["password"] = "Create-Pw-1"
	}
	r := s.admin.Post("/users", body)
	expect(t, r, http.StatusCreated)
	return r.Map(t)["_id"].(string)
}

func (s *stack) createGroup(t *testing.T, name string) string {
	t.Helper()
	r := s.admin.Post("/groups", map[string]any{"name": name})
	expect(t, r, http.StatusCreated)
	return r.Map(t)["_id"].(string)
}

// entry reads one entry straight from slapd (nil when absent).
func (s *stack) entry(t *testing.T, dn string, attrs ...string) *ldap.Entry {
	t.Helper()
	conn := s.ldap.Dial(t)
	res, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", attrs, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		t.Fatalf("read %s: %v", dn, err)
	}
	return res.Entries[0]
}

func userDN(username string) string { return "uid=" + ldap.EscapeDN(username) + ",ou=people," + base }

func expect(t *testing.T, r *openapitest.Response, status int, want ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	for _, w := range want {
		if !strings.Contains(string(r.Body), w) {
			t.Fatalf("body %s does not contain %q", r.Body, w)
		}
	}
}

// column lists one member of every entity of a list answer.
func column(t *testing.T, r *openapitest.Response, member string) []string {
	t.Helper()
	var list struct {
		Data []map[string]any `json:"data"`
	}
	r.Decode(t, &list)
	out := make([]string, 0, len(list.Data))
	for _, e := range list.Data {
		out = append(out, fmt.Sprint(e[member]))
	}
	return out
}

func total(t *testing.T, r *openapitest.Response) int {
	t.Helper()
	var list struct {
		TotalCount int `json:"totalCount"`
	}
	r.Decode(t, &list)
	return list.TotalCount
}
