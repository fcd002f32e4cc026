package privacyidea_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// authorityLDIF: one user container, the admin group with its admin, and
// an admin by DN.
const authorityLDIF = `dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

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

dn: uid=boss,ou=people,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: boss
cn: The Boss
sn: Boss
uidNumber: 20002
gidNumber: 10000
homeDirectory: /home/boss
userPassword: Boss-Pw-1

dn: cn=pi-admins,ou=groups,dc=example,dc=com
objectClass: groupOfNames
objectClass: posixGroup
cn: pi-admins
gidNumber: 20001
member: uid=piadmin,ou=people,dc=example,dc=com
`

const (
	authorityGroupDN = "cn=pi-admins,ou=groups,dc=example,dc=com"
	bossDN           = "uid=boss,ou=people,dc=example,dc=com"
)

// piReplicas is one slapd and two dirgate processes on it with the same
// configuration, as stateless replicas: changes go through a (or straight
// to slapd), tokens are used at b.
type piReplicas struct {
	ldap   *slapd.Server
	a, b   *e2eutil.Process
	adminA string // piadmin's token, issued by a
}

func startPIReplicas(t *testing.T) *piReplicas {
	t.Helper()
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: authorityLDIF, Lockout: 3})
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		"dialects": map[string]any{"privacyidea": map[string]any{"config": map[string]any{
			"secret":    "authority-test-secret-0123456789",
			"resolvers": map[string]any{"people": map[string]any{"subtree": "ou=people,dc=example,dc=com", "editable": true}},
			"realms":    map[string]any{"corp": map[string]any{"resolvers": []string{"people"}}},
			"admins":    map[string]any{"groups": []string{"pi-admins"}, "dns": []string{bossDN}},
		}}},
	})
	cfg = withDomainSetting(t, cfg, "homeDirectory", "/home/users")
	r := &piReplicas{ldap: srv, a: e2eutil.Start(t, e2eutil.Options{Config: cfg}), b: e2eutil.Start(t, e2eutil.Options{Config: cfg})}
	r.adminA = piLogin(t, r.a, "piadmin", "Admin-Pw-1", "admin")
	return r
}

// piAnswer is a privacyIDEA answer: HTTP status, and the error's code and
// message when it failed.
type piAnswer struct {
	status  int
	code    int
	message string
	value   any
	raw     string
}

func piDo(t *testing.T, p *e2eutil.Process, method, path, token string, form url.Values) piAnswer {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(t.Context(), method, p.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		req.Header.Set("PI-Authorization", token)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var env struct {
		Result struct {
			Value any `json:"value"`
			Error *struct {
				Code    int    `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("%s %s: HTTP %d, not privacyIDEA's envelope: %s", method, path, resp.StatusCode, raw)
	}
	a := piAnswer{status: resp.StatusCode, value: env.Result.Value, raw: string(raw)}
	if env.Result.Error != nil {
		a.code, a.message = env.Result.Error.Code, env.Result.Error.Message
	}
	return a
}

// piLogin logs in at p and checks the role.
func piLogin(t *testing.T, p *e2eutil.Process, username, password, role string) string {
	t.Helper()
	a := piDo(t, p, http.MethodPost, "/auth", "", url.Values{"username": {username}, "password": {password}})
	v, _ := a.value.(map[string]any)
	if a.status != http.StatusOK || v["role"] != role {
		t.Fatalf("login %s at %s: HTTP %d %s, want role %s", username, p, a.status, a.raw, role)
	}
	return v["token"].(string)
}

func wantRefused(t *testing.T, what string, a piAnswer, status, code int, message string) {
	t.Helper()
	if a.status != status || a.code != code || !strings.Contains(a.message, message) {
		t.Errorf("%s: HTTP %d %s\nwant HTTP %d, code %d, a message containing %q", what, a.status, a.raw, status, code, message)
	}
}

// create makes a user through a.
func (r *piReplicas) create(t *testing.T, username, password string) {
	t.Helper()
	a := piDo(t, r.a, http.MethodPost, "/user", r.adminA, url.Values{"user": {username}, "resolver": {"people"}, "password": {password}})
	if a.status != http.StatusOK {
		t.Fatalf("create %s: HTTP %d %s", username, a.status, a.raw)
	}
}

func (r *piReplicas) remove(t *testing.T, username string) {
	t.Helper()
	if a := piDo(t, r.a, http.MethodDelete, "/user/people/"+username, r.adminA, nil); a.status != http.StatusOK || a.value != true {
		t.Fatalf("delete %s: HTTP %d %s", username, a.status, a.raw)
	}
}

// modify changes an entry straight in slapd: group membership and account
// state, which privacyIDEA's API has no call for.
func (r *piReplicas) modify(t *testing.T, dn string, change func(*ldap.ModifyRequest)) {
	t.Helper()
	req := ldap.NewModifyRequest(dn, nil)
	change(req)
	if err := r.ldap.Dial(t).Modify(req); err != nil {
		t.Fatalf("modify %s: %v", dn, err)
	}
}

// admin creates a user through a, puts it in the admin group, and logs
// it in at b as an admin.
func (r *piReplicas) admin(t *testing.T, username string) string {
	t.Helper()
	r.create(t, username, "Adm-Pw-123")
	r.modify(t, authorityGroupDN, func(m *ldap.ModifyRequest) { m.Add("member", []string{piUserDN(username)}) })
	tok := piLogin(t, r.b, username, "Adm-Pw-123", "admin")
	if a := piDo(t, r.b, http.MethodGet, "/user/", tok, nil); a.status != http.StatusOK {
		t.Fatalf("the new admin %s lists users at b: HTTP %d %s", username, a.status, a.raw)
	}
	return tok
}

func piUserDN(username string) string {
	return "uid=" + ldap.EscapeDN(username) + ",ou=people,dc=example,dc=com"
}

// TestTokensEndWithTheirAuthority: a privacyIDEA token is refused at the
// very next request on another replica once its account is deleted,
// created again under the same name, disabled, locked, or, for an admin
// token, no longer an admin.
func TestTokensEndWithTheirAuthority(t *testing.T) {
	r := startPIReplicas(t)
	const disabledMark = "000001010000Z" // what dirgate writes to disable on OpenLDAP

	t.Run("admin deleted", func(t *testing.T) {
		tok := r.admin(t, "x-gone")
		r.remove(t, "x-gone")
		// The finding: the deleted admin's token set another admin's
		// password, who then logged in with it.
		wantRefused(t, "password set by a deleted admin's token", piDo(t, r.b, http.MethodPut, "/user", tok,
			url.Values{"user": {"piadmin"}, "resolver": {"people"}, "password": {"Taken-Over-1"}}),
			http.StatusUnauthorized, 4031, "no longer exists")
		piLogin(t, r.b, "piadmin", "Admin-Pw-1", "admin")
		// Created again under the same name and DN, an admin again: another
		// account, which the old token does not reach.
		r.admin(t, "x-gone")
		wantRefused(t, "a deleted admin's token, its name taken again", piDo(t, r.b, http.MethodGet, "/user/", tok, nil),
			http.StatusUnauthorized, 4031, "no longer exists")
	})
	t.Run("admin disabled", func(t *testing.T) {
		tok := r.admin(t, "x-off")
		r.modify(t, piUserDN("x-off"), func(m *ldap.ModifyRequest) { m.Replace("pwdAccountLockedTime", []string{disabledMark}) })
		wantRefused(t, "a disabled admin's token", piDo(t, r.b, http.MethodGet, "/user/", tok, nil),
			http.StatusUnauthorized, 4031, "disabled or locked")
	})
	t.Run("admin locked", func(t *testing.T) {
		tok := r.admin(t, "x-locked")
		for range 3 {
			piDo(t, r.a, http.MethodPost, "/auth", "", url.Values{"username": {"x-locked"}, "password": {"wrong-password"}})
		}
		wantRefused(t, "a locked admin's token", piDo(t, r.b, http.MethodGet, "/user/", tok, nil),
			http.StatusUnauthorized, 4031, "disabled or locked")
	})
	t.Run("admin demoted", func(t *testing.T) {
		tok := r.admin(t, "x-demoted")
		r.modify(t, authorityGroupDN, func(m *ldap.ModifyRequest) { m.Delete("member", []string{piUserDN("x-demoted")}) })
		wantRefused(t, "a demoted admin's token", piDo(t, r.b, http.MethodGet, "/user/", tok, nil),
			http.StatusUnauthorized, 4306, "no longer an admin")
		piLogin(t, r.b, "x-demoted", "Adm-Pw-123", "user")
	})
	t.Run("admin by DN", func(t *testing.T) {
		tok := piLogin(t, r.b, "boss", "Boss-Pw-1", "admin")
		if a := piDo(t, r.b, http.MethodGet, "/user/", tok, nil); a.status != http.StatusOK {
			t.Fatalf("boss lists users: HTTP %d %s", a.status, a.raw)
		}
	})
	t.Run("user disabled", func(t *testing.T) {
		r.create(t, "x-user-off", "User-Pw-123")
		tok := piLogin(t, r.b, "x-user-off", "User-Pw-123", "user")
		r.modify(t, piUserDN("x-user-off"), func(m *ldap.ModifyRequest) { m.Replace("pwdAccountLockedTime", []string{disabledMark}) })
		wantRefused(t, "a disabled user's token sets its password", piDo(t, r.b, http.MethodPut, "/user", tok,
			url.Values{"password": {"Own-Pw-1234"}}), http.StatusUnauthorized, 4031, "disabled or locked")
	})
	t.Run("user deleted and created again", func(t *testing.T) {
		r.create(t, "x-user", "User-Pw-123")
		tok := piLogin(t, r.b, "x-user", "User-Pw-123", "user")
		r.remove(t, "x-user")
		r.create(t, "x-user", "Again-Pw-123")
		wantRefused(t, "the old token sets the new account's password", piDo(t, r.b, http.MethodPut, "/user", tok,
			url.Values{"password": {"Taken-Pw-1234"}}), http.StatusBadRequest, 904, "can not be found")
		piLogin(t, r.a, "x-user", "Again-Pw-123", "user")
	})
	for _, p := range []*e2eutil.Process{r.a, r.b} {
		for _, secret := range []string{"Admin-Pw-1", "Adm-Pw-123", "Taken-Over-1", "Taken-Pw-1234", "Own-Pw-1234", "Again-Pw-123"} {
			if strings.Contains(p.Output(), secret) {
				t.Errorf("the password %q appears in %s's output", secret, p)
			}
		}
	}
}
