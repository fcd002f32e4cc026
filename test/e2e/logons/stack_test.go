package logons_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// stack is a running dirgate with the three dialects that take a user's
// password (OpenAPI, privacyIDEA, Kanboard) and an OpenAPI admin token.
type stack struct {
	proc *e2eutil.Process
	http *http.Client
	// admin is the OpenAPI admin's bearer token; kanboardToken opens
	// Kanboard's application mode.
	admin         string
	kanboardToken string
	// lockout is how many wrong passwords lock an account.
	lockout int
}

const (
	domain     = "example.com"
	base       = "dc=example,dc=com"
	adminGroup = "dirgate-admins"
	// The slapd stack's admin and secrets.
	ldapAdmin         = "logon-admin"
	ldapAdminPassword = "Logon-Admin-Pw-7c1e"
	ldapKanboardToken = "logons-kanboard-token-5d6e7f8a"
)

func newClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 512}}
}

// These tests measure what a logon costs and says, not the throttle
// (test/e2e/throttle): dirgate trusts the loopback as its reverse proxy,
// and every request reports a client address of its own in
// X-Forwarded-For, as a distributed attacker's requests would arrive,
// so that no address or account budget refuses them.
const behindProxy = "DIRGATE_SERVER_TRUSTEDPROXIES=127.0.0.1"

var clients atomic.Uint32

// nextClient is a client address no request has reported yet.
func nextClient() string {
	n := clients.Add(1)
	return fmt.Sprintf("10.%d.%d.%d", n>>16&0xff, n>>8&0xff, n&0xff)
}

// quickStart runs the quick start (embedded backend, every dialect) as the
// attacker's test did; env is added to dirgate's environment.
func quickStart(t testing.TB, env ...string) *stack {
	t.Helper()
	p := e2eutil.Start(t, e2eutil.Options{Env: append([]string{behindProxy}, env...)})
	creds := p.Credentials()
	admin, _ := creds["admin"].(map[string]any)
	kb, _ := creds["kanboard"].(map[string]any)
	s := &stack{proc: p, http: newClient(), lockout: 5}
	s.kanboardToken, _ = kb["token"].(string)
	username, _ := admin["username"].(string)
	password, _ := admin["password"].(string)
	s.admin = s.login(t, username, password)
	return s
}

// onSlapd runs dirgate on a private slapd (ppolicy lockout after 5
// failures) seeded with an admin in the admin group.
func onSlapd(t testing.TB) *stack {
	t.Helper()
	seed := fmt.Sprintf(`dn: ou=people,%[1]s
objectClass: organizationalUnit
ou: people

dn: ou=groups,%[1]s
objectClass: organizationalUnit
ou: groups

dn: uid=%[2]s,ou=people,%[1]s
objectClass: inetOrgPerson
objectClass: posixAccount
uid: %[2]s
cn: %[2]s
sn: %[2]s
uidNumber: 61000
gidNumber: 61000
homeDirectory: /home/%[2]s
userPassword: %[3]s

dn: cn=%[4]s,ou=groups,%[1]s
objectClass: groupOfNames
objectClass: posixGroup
cn: %[4]s
gidNumber: 61000
member: uid=%[2]s,ou=people,%[1]s
`, base, ldapAdmin, ldapAdminPassword, adminGroup)
	_, backend := e2eutil.LDAP(t, slapd.Options{LDIF: seed, Lockout: 5})
	doc := map[string]any{
		"domains": []any{map[string]any{"name": domain, "baseDN": base, "backend": backend}},
		"dialects": map[string]any{
			"privacyidea": map[string]any{"config": map[string]any{
				"secret": "logons-privacyidea-secret-1a2b3c4d", "defaultRealm": "local",
				"resolvers": map[string]any{"local": map[string]any{"subtree": "ou=people," + base, "editable": true}},
				"realms":    map[string]any{"local": map[string]any{"resolvers": []string{"local"}}},
				"admins":    map[string]any{"groups": []string{adminGroup}},
			}},
			"kanboard": map[string]any{"config": map[string]any{"token": ldapKanboardToken}},
			"openapi": map[string]any{"config": map[string]any{
				"jwtSecret": "logons-openapi-jwt-secret-9f8e7d6c5b4a3928", "adminGroup": adminGroup,
				"invitations": map[string]any{"secret": "logons-openapi-invitation-secret-1f2e3d4c5b6a"},
			}},
		},
	}
	cfg, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s := &stack{proc: e2eutil.Start(t, e2eutil.Options{Config: string(cfg), Env: []string{behindProxy}}), http: newClient(), lockout: 5}
	s.kanboardToken = ldapKanboardToken
	s.admin = s.login(t, ldapAdmin, ldapAdminPassword)
	return s
}

// reply is one answer, read whole.
type reply struct {
	status  int
	header  http.Header
	body    []byte
	elapsed time.Duration
}

// do sends req and reads the whole answer; a transport failure is an
// error (dirgate must answer every request).
func (s *stack) do(req *http.Request) (reply, error) {
	if req.Header.Get("X-Forwarded-For") == "" {
		req.Header.Set("X-Forwarded-For", nextClient())
	}
	start := time.Now()
	resp, err := s.http.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return reply{}, err
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body, elapsed: time.Since(start)}, nil
}

func (s *stack) request(t testing.TB, method, path, contentType string, body []byte, header ...string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, s.proc.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return req
}

func jsonBody(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// must sends req and fails the test unless the answer has status want.
func (s *stack) must(t testing.TB, req *http.Request, want int) reply {
	t.Helper()
	r, err := s.do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	if r.status != want {
		t.Fatalf("%s %s: HTTP %d, want %d: %s", req.Method, req.URL.Path, r.status, want, r.body)
	}
	return r
}

// login is an OpenAPI login that must succeed; it returns the token.
func (s *stack) login(t testing.TB, username, password string) string {
	t.Helper()
	r := s.must(t, s.loginRequest(t, username, password), http.StatusOK)
	var tok struct{ Token string }
	if err := json.Unmarshal(r.body, &tok); err != nil || tok.Token == "" {
		t.Fatalf("login of %s: %s", username, r.body)
	}
	return tok.Token
}

func (s *stack) loginRequest(t testing.TB, username, password string) *http.Request {
	return s.request(t, http.MethodPost, "/api/login", "application/json",
		jsonBody(t, map[string]string{"username": username, "password": password}))
}

// asAdmin is an OpenAPI request with the admin's token.
func (s *stack) asAdmin(t testing.TB, method, path, contentType string, body []byte) *http.Request {
	return s.request(t, method, path, contentType, body, "Authorization", "Bearer "+s.admin)
}

// createUser makes a user through OpenAPI and returns its id.
func (s *stack) createUser(t testing.TB, username, password string) string {
	t.Helper()
	r := s.must(t, s.asAdmin(t, http.MethodPost, "/api/users", "application/json",
		jsonBody(t, map[string]any{"userName": username, "displayName": username, "password": password})), http.StatusCreated)
	var u struct {
		ID string `json:"_id"`
	}
	if err := json.Unmarshal(r.body, &u); err != nil || u.ID == "" {
		t.Fatalf("created %s: %s", username, r.body)
	}
	return u.ID
}

func (s *stack) disable(t testing.TB, id string) {
	t.Helper()
	s.must(t, s.asAdmin(t, http.MethodPatch, "/api/users/"+id, "application/json-patch+json",
		jsonBody(t, []map[string]any{{"op": "replace", "path": "/active", "value": false}})), http.StatusOK)
}

// unlock clears the user's failed logons and lock.
func (s *stack) unlock(t testing.TB, id string) {
	t.Helper()
	s.must(t, s.asAdmin(t, http.MethodDelete, "/api/users/"+id+"/logonFailures", "", nil), http.StatusNoContent)
}

// locked reports whether the user's account is locked by failed logons.
func (s *stack) locked(t testing.TB, id string) bool {
	t.Helper()
	r := s.must(t, s.asAdmin(t, http.MethodGet, "/api/users/"+id, "", nil), http.StatusOK)
	var u struct {
		Locked bool `json:"temporarilyLocked"`
	}
	if err := json.Unmarshal(r.body, &u); err != nil {
		t.Fatalf("user %s: %s", id, r.body)
	}
	return u.Locked
}

// kanboardRead is an authenticated read on the Kanboard dialect in
// application mode (the API token: no password hashing).
func (s *stack) kanboardRead(t testing.TB, username string) *http.Request {
	return s.kanboardCall(t, "jsonrpc", s.kanboardToken, map[string]any{
		"jsonrpc": "2.0", "method": "getUserByName", "id": 1, "params": map[string]any{"username": username},
	})
}

func (s *stack) kanboardCall(t testing.TB, user, password string, call map[string]any) *http.Request {
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	return s.request(t, http.MethodPost, "/jsonrpc.php", "application/json", jsonBody(t, call), "Authorization", "Basic "+basic)
}

// privacyIDEAAuth is privacyIDEA's POST /auth.
func (s *stack) privacyIDEAAuth(t testing.TB, username, password string) *http.Request {
	form := url.Values{"username": {username}, "password": {password}}
	return s.request(t, http.MethodPost, "/auth", "application/x-www-form-urlencoded", []byte(form.Encode()))
}

// vmHWM is the process's peak resident set size so far, in bytes.
func vmHWM(t testing.TB, pid int) int64 {
	t.Helper()
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(raw)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kib int64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%d kB", &kib); err != nil {
				t.Fatalf("VmHWM line %q: %v", line, err)
			}
			return kib << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}
