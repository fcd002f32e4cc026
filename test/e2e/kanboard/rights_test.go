package kanboard_test

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// gatewayLDIF is a directory as the quick start leaves it: the gateway's
// admin group took the first gidNumber of the range, 10000, the number
// every new user used to get as primary group.
const gatewayLDIF = fixtureLDIF + `
dn: cn=dirgate-admins,ou=groups,dc=example,dc=com
objectClass: groupOfNames
objectClass: posixGroup
cn: dirgate-admins
gidNumber: 10000
member: uid=jane.staff,ou=staff,dc=example,dc=com
`

// gatewayDialects serve Kanboard beside OpenAPI, whose admins are the
// members of dirgate-admins; kanboard is Kanboard's block.
func gatewayDialects(token string, kanboard map[string]any) map[string]any {
	kanboard["token"] = token
	return map[string]any{
		"kanboard": map[string]any{"config": kanboard},
		"openapi": map[string]any{"config": map[string]any{
			"jwtSecret":   strings.Repeat("j", 40),
			"adminGroup":  "dirgate-admins",
			"invitations": map[string]any{"secret": strings.Repeat("i", 40)},
		}},
	}
}

func startGateway(t *testing.T) *stack {
	t.Helper()
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: gatewayLDIF})
	token := "e2e-" + random(12)
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		"dialects": gatewayDialects(token, map[string]any{}),
	})
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})
	return &stack{ldap: srv, proc: p, url: p.URL + "/jsonrpc.php", token: token}
}

// TestAppAdminStaysInKanboard: createUser(role: app-admin) with the API
// token makes a Kanboard admin, a member of Kanboard's own group, never
// of the gateway's admin group: the user is no admin of OpenAPI.
func TestAppAdminStaysInKanboard(t *testing.T) {
	s := startGateway(t)
	id := s.callInt(t, "createUser", map[string]any{"username": "kb.boss", "password": "Kb-Boss-Pw1", "role": "app-admin"})
	if got := s.getUser(t, map[string]any{"user_id": id}); got == nil || got.Role != "app-admin" {
		t.Fatalf("kb.boss in Kanboard: %+v, want app-admin", got)
	}
	if !s.isMember(t, "kanboard-admins", userDN("kb.boss")) {
		t.Error("kb.boss is not in kanboard-admins")
	}
	if s.isMember(t, "dirgate-admins", userDN("kb.boss")) {
		t.Fatal("Kanboard's app-admin put kb.boss in the gateway's admin group")
	}

	// OpenAPI: kb.boss logs in as a user, not an admin.
	login := postJSON(t, s.proc.URL+"/api/login", "", `{"username":"kb.boss","password":"Kb-Boss-Pw1"}`)
	if login.status != http.StatusOK {
		t.Fatalf("OpenAPI login: HTTP %d %s", login.status, login.body)
	}
	token := between(login.body, `"token":"`, `"`)
	if a := postJSON(t, s.proc.URL+"/api/users", token, `{"userName":"made.by.kb","password":"Made-By-Kb1"}`); a.status != http.StatusForbidden {
		t.Errorf("kb.boss creating a user through OpenAPI: HTTP %d %s, want 403", a.status, a.body)
	}
	if s.entry(t, userDN("made.by.kb")) != nil {
		t.Error("a Kanboard app-admin created a user through OpenAPI")
	}
}

// TestRoleGroupThatIsAnAdminGroupIsRefused: a configuration (such as the
// quick start's before this release) whose Kanboard app-admin group is
// the gateway's admin group does not start; `config check` says why.
func TestRoleGroupThatIsAnAdminGroupIsRefused(t *testing.T) {
	_, backend := e2eutil.LDAP(t, slapd.Options{LDIF: gatewayLDIF})
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		"dialects": gatewayDialects("e2e-"+random(12), map[string]any{"adminGroup": "dirgate-admins"}),
	})
	path := filepath.Join(t.TempDir(), "dirgate.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	res := e2eutil.Run(t, nil, "config", "check", "--config", path)
	want := `the role group "dirgate-admins" is an admin group of openapi`
	if res.Code == 0 || !strings.Contains(res.Stdout+res.Stderr, want) || !strings.Contains(res.Stdout+res.Stderr, "dialects.kanboard.config") {
		t.Errorf("config check: exit %d\n%s%s\nwant a refusal naming %q", res.Code, res.Stdout, res.Stderr, want)
	}
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg, NoWait: true})
	if code := p.Wait(20 * time.Second); code == 0 || !strings.Contains(p.Output(), want) {
		t.Errorf("serve: exit %d\n%s", code, p.Output())
	}
}

// TestNewUsersGetThePlainUsersGroup: on slapd, a user created without a
// group gets dirgate-users (made in ou=groups when first needed) as its
// primary group, not the admin group's gidNumber 10000.
func TestNewUsersGetThePlainUsersGroup(t *testing.T) {
	s := startGateway(t)
	s.callInt(t, "createUser", map[string]any{"username": "plain.user", "password": "Plain-User-Pw1"})
	users := s.entry(t, "cn=dirgate-users,ou=groups,"+base, "gidNumber")
	if users == nil {
		t.Fatal("cn=dirgate-users was not created in ou=groups")
	}
	got := s.entry(t, userDN("plain.user"), "gidNumber").GetAttributeValue("gidNumber")
	if got == "10000" || got != users.GetAttributeValue("gidNumber") {
		t.Errorf("plain.user's gidNumber %s, want dirgate-users' %s (never dirgate-admins' 10000)", got, users.GetAttributeValue("gidNumber"))
	}
}

// TestDefaultGIDOfAnAdminGroupRefusesToStart: defaultGIDNumber 10000 is
// dirgate-admins' gidNumber in the directory: dirgate does not start.
func TestDefaultGIDOfAnAdminGroupRefusesToStart(t *testing.T) {
	_, backend := e2eutil.LDAP(t, slapd.Options{LDIF: gatewayLDIF})
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		"domains":  []any{map[string]any{"name": "example.com", "backend": backend, "defaultGIDNumber": 10000}},
		"dialects": gatewayDialects("e2e-"+random(12), map[string]any{}),
	})
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg, NoWait: true})
	want := `defaultGIDNumber 10000 is the gidNumber of the admin group "dirgate-admins"`
	if code := p.Wait(20 * time.Second); code == 0 || !strings.Contains(p.Output(), want) {
		t.Errorf("serve: exit %d, want a refusal naming %q:\n%s", code, want, p.Output())
	}
}

// TestHomeDirectoriesAreUnique: names that differ only in characters a
// path cannot hold get homes of their own; a portable name keeps
// /home/<name>; a home a renamed user kept is not handed out again (the
// new user's name gets its digest added).
func TestHomeDirectoriesAreUnique(t *testing.T) {
	s := startGateway(t)
	homes := map[string]string{}
	ids := map[string]int64{}
	for i, name := range []string{"j_doe", "j@doe", "j:doe", "j doe", "j+doe", "j/doe"} {
		ids[name] = s.callInt(t, "createUser", map[string]any{"username": name, "password": fmt.Sprintf("Home-Pw-%d1", i)})
		home := s.entry(t, userDN(name), "homeDirectory").GetAttributeValue("homeDirectory")
		if other, dup := homes[home]; dup {
			t.Errorf("%q and %q share the home %s", name, other, home)
		}
		homes[home] = name
	}
	if home := s.entry(t, userDN("j_doe"), "homeDirectory").GetAttributeValue("homeDirectory"); home != "/home/j_doe" {
		t.Errorf("j_doe's home is %s, want /home/j_doe", home)
	}
	wantResult(t, "updateUser (rename j_doe)", s.call(t, "updateUser", map[string]any{"id": ids["j_doe"], "username": "john.doe"}), "true")
	// john.doe keeps /home/j_doe: a new j_doe gets a home of its own.
	s.callInt(t, "createUser", map[string]any{"username": "j_doe", "password": "Home-Pw-99"})
	home := s.entry(t, userDN("j_doe"), "homeDirectory").GetAttributeValue("homeDirectory")
	if home == "/home/j_doe" || !strings.HasPrefix(home, "/home/j_doe-") || homes[home] != "" {
		t.Errorf("the new j_doe's home is %s: shared, or not derived from its name", home)
	}
}

// postJSON posts a JSON body, with a bearer token unless it is empty.
func postJSON(t *testing.T, url, bearer, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b.String()}
}

// between returns what lies in s between the first open and the next
// close.
func between(s, open, close string) string {
	_, rest, _ := strings.Cut(s, open)
	v, _, _ := strings.Cut(rest, close)
	return v
}
