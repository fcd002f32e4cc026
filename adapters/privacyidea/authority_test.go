package privacyidea_test

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/dirgate/dirgate/adapters/privacyidea"
	pt "github.com/dirgate/dirgate/adapters/privacyidea/privacyideatest"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestAdminTokenEndsWithItsAuthority: an admin token is refused at the
// next request once its account leaves the admin group, is disabled, or
// is deleted and created again under the same name.
func TestAdminTokenEndsWithItsAuthority(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, pt.Base)
	dom := env.Domain
	ctx := t.Context()
	if _, err := dom.CreateGroup(ctx, root, directory.NewGroup{Name: "pi-admins"}); err != nil {
		t.Fatal(err)
	}
	cfg := privacyidea.DefaultConfig()
	cfg.Secret = "authority-secret-0123456789"
	cfg.Resolvers = map[string]privacyidea.ResolverConfig{"local": {Editable: true}}
	cfg.Realms = map[string]privacyidea.RealmConfig{"local": {Resolvers: []string{"local"}}}
	cfg.Admins.Groups = []string{"pi-admins"}
	srv := serve(t, cfg, env)

	admin := func(name string) (*directory.User, string) {
		t.Helper()
		u, err := dom.CreateUser(ctx, root, directory.NewUser{Username: name, Password: "Adm-Pw-123"})
		if err != nil {
			t.Fatal(err)
		}
		if err := dom.AddMember(ctx, root, directory.ByName("pi-admins"), directory.UserRef(directory.ByID(u.ID))); err != nil {
			t.Fatal(err)
		}
		a := login(t, srv.URL, name, "Adm-Pw-123")
		if a.Role != "admin" {
			t.Fatalf("%s logged in as %s", name, a.Role)
		}
		if status, code := listAs(t, srv.URL, a.Token); status != http.StatusOK {
			t.Fatalf("%s lists users: HTTP %d code %d", name, status, code)
		}
		return u, a.Token
	}
	refused := func(what, token string, wantCode int) {
		t.Helper()
		if status, code := listAs(t, srv.URL, token); status != http.StatusUnauthorized || code != wantCode {
			t.Errorf("%s: HTTP %d code %d, want 401 code %d", what, status, code, wantCode)
		}
	}

	demoted, tok := admin("demoted")
	if err := dom.RemoveMember(ctx, root, directory.ByName("pi-admins"), directory.UserRef(directory.ByID(demoted.ID))); err != nil {
		t.Fatal(err)
	}
	refused("demoted admin", tok, 4306)

	disabled, tok := admin("disabled")
	if err := dom.SetEnabled(ctx, root, directory.ByID(disabled.ID), false); err != nil {
		t.Fatal(err)
	}
	refused("disabled admin", tok, 4031)

	gone, tok := admin("gone")
	if err := dom.DeleteUser(ctx, root, directory.ByID(gone.ID)); err != nil {
		t.Fatal(err)
	}
	refused("deleted admin", tok, 4031)
	admin("gone")
	refused("deleted admin, its name an admin again", tok, 4031)
}

// listAs lists users with token and returns the HTTP status and the
// error code (0 on success).
func listAs(t *testing.T, base, token string) (int, int) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/user/", nil)
	req.Header.Set("PI-Authorization", token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var body struct {
		Result struct {
			Error *struct {
				Code int `json:"code"`
			} `json:"error"`
		} `json:"result"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		t.Fatalf("not an envelope: %s", raw)
	}
	if body.Result.Error != nil {
		return resp.StatusCode, body.Result.Error.Code
	}
	return resp.StatusCode, 0
}
