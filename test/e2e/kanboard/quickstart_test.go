package kanboard_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestQuickStart checks the dialect's bootstrap: the quick start's token
// works in application mode, and the quick start's admin (in
// dirgate-admins, itself a member of kanboard-admins) is Kanboard's
// app-admin with its own password.
func TestQuickStart(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	creds := p.Credentials()
	kb, _ := creds["kanboard"].(map[string]any)
	admin, _ := creds["admin"].(map[string]any)
	token, _ := kb["token"].(string)
	if kb["username"] != "jsonrpc" || len(token) < 16 {
		t.Fatalf("kanboard credentials = %v", kb)
	}
	s := &stack{proc: p, url: p.URL + "/jsonrpc.php", token: token}

	var all []user
	if err := json.Unmarshal(s.call(t, "getAllUsers", nil), &all); err != nil {
		t.Fatal(err)
	}
	var found *user
	for i := range all {
		if all[i].Username == admin["username"] {
			found = &all[i]
		}
	}
	if found == nil || found.Role != "app-admin" || found.IsActive != "1" {
		t.Fatalf("the quick start's admin in getAllUsers: %+v (all %+v)", found, all)
	}

	password, _ := admin["password"].(string)
	a := s.post(t, admin["username"].(string), password,
		`{"jsonrpc":"2.0","method":"createUser","params":["qs-user","Qs-User-Pw-1"],"id":1}`)
	if a.status != http.StatusOK || !strings.HasPrefix(a.body, `{"jsonrpc":"2.0","result":`) || strings.Contains(a.body, "false") {
		t.Fatalf("createUser as the quick start's admin: HTTP %d %s", a.status, a.body)
	}
	wantBody(t, "the new app-user's own credentials", s.post(t, "qs-user", "Qs-User-Pw-1",
		`{"jsonrpc":"2.0","method":"getAllUsers","id":1}`), http.StatusForbidden, forbidden)
}

// TestQuickStartAppAdminIsNoGatewayAdmin: on the quick start, where
// dirgate-admins holds the admin rights of OpenAPI and privacyIDEA, a
// Kanboard app-admin made with the API token is an admin of Kanboard
// only: OpenAPI refuses it its admin calls and privacyIDEA logs it in as
// a user.
func TestQuickStartAppAdminIsNoGatewayAdmin(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	token, _ := p.Credentials()["kanboard"].(map[string]any)["token"].(string)
	s := &stack{proc: p, url: p.URL + "/jsonrpc.php", token: token}
	id := s.callInt(t, "createUser", map[string]any{"username": "kb.admin", "password": "Kb-Admin-Pw-1", "role": "app-admin"})
	if u := s.getUser(t, map[string]any{"user_id": id}); u == nil || u.Role != "app-admin" {
		t.Fatalf("kb.admin in Kanboard: %+v, want app-admin", u)
	}

	login := postJSON(t, p.URL+"/api/login", "", `{"username":"kb.admin","password":"Kb-Admin-Pw-1"}`)
	if login.status != http.StatusOK {
		t.Fatalf("OpenAPI login: HTTP %d %s", login.status, login.body)
	}
	bearer := between(login.body, `"token":"`, `"`)
	if a := postJSON(t, p.URL+"/api/users", bearer, `{"userName":"made.by.kb","password":"Made-By-Kb-1"}`); a.status != http.StatusForbidden {
		t.Errorf("a Kanboard app-admin creating a user through OpenAPI: HTTP %d %s, want 403", a.status, a.body)
	}
	a := postForm(t, p.URL+"/auth", "username=kb.admin&password=Kb-Admin-Pw-1")
	if a.status != http.StatusOK || !strings.Contains(a.body, `"role":"user"`) {
		t.Errorf("privacyIDEA /auth of a Kanboard app-admin: HTTP %d %s, want role user", a.status, a.body)
	}
}

func postForm(t *testing.T, url, form string) answer {
	t.Helper()
	resp, err := http.Post(url, "application/x-www-form-urlencoded", strings.NewReader(form))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if _, err := io.Copy(&b, resp.Body); err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b.String()}
}
