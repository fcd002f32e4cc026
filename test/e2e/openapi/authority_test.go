package openapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// replicas is one slapd and two dirgate processes on it with the same
// configuration, as stateless replicas behind a load balancer: changes go
// through a, tokens are used at b.
type replicas struct {
	ldap *slapd.Server
	a, b *e2eutil.Process
	// anonA and anonB send no token; adminA is the fixture's admin at a.
	anonA, anonB *openapitest.Client
	adminA       *openapitest.Client
	adminsID     string
}

// authorityLDIF: the containers, the admin in the admin group.
const authorityLDIF = `dn: ou=people,dc=example,dc=com
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
`

func startReplicas(t *testing.T) *replicas {
	t.Helper()
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: authorityLDIF, Lockout: 3})
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		"dialects": map[string]any{"openapi": map[string]any{
			"prefix": prefix,
			"config": map[string]any{
				"jwtSecret":   random(48),
				"adminGroup":  "oa-admins",
				"invitations": map[string]any{"secret": random(48)},
			},
		}},
	})
	hc := &http.Client{Timeout: 30 * time.Second}
	r := &replicas{ldap: srv, a: e2eutil.Start(t, e2eutil.Options{Config: cfg}), b: e2eutil.Start(t, e2eutil.Options{Config: cfg})}
	r.anonA = openapitest.New(t, r.a.URL+prefix, hc)
	r.anonB = openapitest.New(t, r.b.URL+prefix, hc)
	r.adminA = loginAt(t, r.anonA, adminName, adminPassword)
	groups := r.adminA.Get("/groups?filter[name][EQ]=oa-admins")
	expect(t, groups, http.StatusOK)
	r.adminsID = column(t, groups, "_id")[0]
	return r
}

func loginAt(t *testing.T, anon *openapitest.Client, username, password string) *openapitest.Client {
	t.Helper()
	r := anon.Post("/login", map[string]string{"username": username, "password": password})
	expect(t, r, http.StatusOK)
	return anon.WithToken(r.Map(t)["token"].(string))
}

// user creates a user at a and returns its id.
func (r *replicas) user(t *testing.T, name string) string {
	t.Helper()
	resp := r.adminA.Post("/users", map[string]any{"userName": name, "password": "Create-Pw-1"})
	expect(t, resp, http.StatusCreated)
	return resp.Map(t)["_id"].(string)
}

// admin creates a user at a, makes it an admin there, and logs it in at
// b, checking that b takes it for an admin.
func (r *replicas) admin(t *testing.T, name string) (string, *openapitest.Client) {
	t.Helper()
	id := r.user(t, name)
	r.membership(t, "add", id)
	c := loginAt(t, r.anonB, name, "Create-Pw-1")
	expect(t, c.Get("/users?filter[userName][EQ]="+name), http.StatusOK)
	return id, c
}

func (r *replicas) membership(t *testing.T, op, id string) {
	t.Helper()
	expect(t, r.adminA.Do(http.MethodPatch, "/groups/"+r.adminsID+"/members", openapitest.Request{
		JSON: []map[string]any{{"op": op, "id": id, "principalType": "User"}}}), http.StatusOK)
}

// TestTokensEndWithTheirAuthority: a token is refused at the very next
// request on another replica once its account is deleted, created again
// under the same name, disabled, locked, or, for admin rights, no longer
// an admin; an impersonation token keeps and checks its originating
// admin.
func TestTokensEndWithTheirAuthority(t *testing.T) {
	r := startReplicas(t)
	adminID := column(t, r.adminA.Get("/users?filter[userName][EQ]="+adminName), "_id")[0]

	t.Run("admin deleted", func(t *testing.T) {
		id, tok := r.admin(t, "x-gone")
		expect(t, r.adminA.Delete("/users/"+id), http.StatusNoContent)
		// The finding: the deleted admin's token set another admin's
		// password, who then logged in with it.
		expect(t, tok.Put("/users/"+adminID+"/password", map[string]any{"password": "Taken-Over-1"}), http.StatusUnauthorized, "no longer exists")
		loginAt(t, r.anonB, adminName, adminPassword)
		expect(t, r.anonB.Post("/login", map[string]string{"username": adminName, "password": "Taken-Over-1"}), http.StatusUnauthorized)
		// Created again under the same name (and DN), an admin again:
		// another account, which the old token does not reach.
		again, _ := r.admin(t, "x-gone")
		if again == id {
			t.Fatalf("the recreated admin has the old id %s", id)
		}
		expect(t, tok.Get("/users"), http.StatusUnauthorized, "no longer exists")
	})
	t.Run("admin disabled", func(t *testing.T) {
		id, tok := r.admin(t, "x-off")
		expect(t, r.adminA.PatchJSON("/users/"+id, []map[string]any{{"op": "replace", "path": "/active", "value": false}}), http.StatusOK)
		expect(t, tok.Get("/users"), http.StatusUnauthorized, "disabled or locked")
	})
	t.Run("admin locked", func(t *testing.T) {
		_, tok := r.admin(t, "x-locked")
		for range 3 {
			expect(t, r.anonA.Post("/login", map[string]string{"username": "x-locked", "password": "wrong-password"}), http.StatusUnauthorized)
		}
		expect(t, tok.Get("/users"), http.StatusUnauthorized, "disabled or locked")
	})
	t.Run("admin demoted", func(t *testing.T) {
		id, tok := r.admin(t, "x-demoted")
		r.membership(t, "remove", id)
		expect(t, tok.Get("/users"), http.StatusUnauthorized, "no longer an admin")
		// Logged in again, a plain user.
		expect(t, loginAt(t, r.anonB, "x-demoted", "Create-Pw-1").Get("/users"), http.StatusForbidden)
	})
	t.Run("user deleted and created again", func(t *testing.T) {
		id := r.user(t, "x-user")
		tok := loginAt(t, r.anonB, "x-user", "Create-Pw-1")
		expect(t, tok.Get("/users/me"), http.StatusOK)
		expect(t, r.adminA.Delete("/users/"+id), http.StatusNoContent)
		r.user(t, "x-user")
		expect(t, tok.Put("/users/me/password", map[string]string{"currentPassword": "Create-Pw-1", "newPassword": "Taken-Pw-22"}), http.StatusUnauthorized, "no longer exists")
		loginAt(t, r.anonA, "x-user", "Create-Pw-1")
	})
	t.Run("nested impersonation", func(t *testing.T) {
		originID, origin := r.admin(t, "x-origin")
		middleID, _ := r.admin(t, "x-middle")
		bobID := r.user(t, "x-bob")
		impersonate := func(as *openapitest.Client, id string) *openapitest.Client {
			t.Helper()
			resp := as.Post("/login/impersonate", map[string]string{"userId": id})
			expect(t, resp, http.StatusOK)
			return r.anonB.WithToken(resp.Map(t)["token"].(string))
		}
		asBob := impersonate(impersonate(origin, middleID), bobID)
		expect(t, asBob.Put("/users/me/password", map[string]string{"currentPassword": "Create-Pw-1", "newPassword": "Bob-Pw-222"}), http.StatusOK)
		if want := `"caller":"x-bob (impersonated by x-middle, impersonated by x-origin)"`; !outputShows(r.b, want) {
			t.Fatalf("b's audit log does not name the chain %s:\n%s", want, r.b.Stdout())
		}
		// The originating admin demoted at a: the token ends at b.
		r.membership(t, "remove", originID)
		expect(t, asBob.Get("/users/me"), http.StatusUnauthorized, "impersonated this user is no longer an admin")
		r.membership(t, "add", originID)
		expect(t, asBob.Get("/users/me"), http.StatusOK)
		// The originating admin deleted.
		expect(t, r.adminA.Delete("/users/"+originID), http.StatusNoContent)
		expect(t, asBob.Get("/users/me"), http.StatusUnauthorized, "impersonated this user no longer exists")
	})
	for _, p := range []*e2eutil.Process{r.a, r.b} {
		for _, secret := range []string{adminPassword, "Create-Pw-1", "Taken-Over-1", "Taken-Pw-22", "Bob-Pw-222"} {
			if strings.Contains(p.Output(), secret) {
				t.Errorf("the password %q appears in %s's output", secret, p)
			}
		}
	}
}

// outputShows waits a little for a line the process writes: its output
// reaches the test through a pipe, after the answer.
func outputShows(p *e2eutil.Process, want string) bool {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if strings.Contains(p.Stdout(), want) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
