package kanboard_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestQuickStart checks the dialect's bootstrap: the quick start's token
// works in application mode, and the quick start's admin (in
// dirgate-admins) is Kanboard's app-admin with its own password.
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
