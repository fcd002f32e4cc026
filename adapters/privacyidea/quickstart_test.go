package privacyidea_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/adapters/privacyidea"
	pt "github.com/dirgate/dirgate/adapters/privacyidea/privacyideatest"
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestQuickStart: the configuration Bootstrap writes serves the embedded
// directory as the editable resolver "local" of the default realm
// "local", with the quick start's admin group as admins.
func TestQuickStart(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, pt.Base)
	dom := env.Domain
	ctx := t.Context()
	if _, err := dom.CreateGroup(ctx, root, directory.NewGroup{Name: "dirgate-admins"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"admin", "jdoe"} {
		if _, err := dom.CreateUser(ctx, root, directory.NewUser{Username: name, Password: name + "-Pw-1"}); err != nil {
			t.Fatal(err)
		}
	}
	if err := dom.AddMember(ctx, root, directory.ByName("dirgate-admins"), directory.UserRef(directory.ByName("admin"))); err != nil {
		t.Fatal(err)
	}

	cfg := privacyidea.DefaultConfig()
	if _, err := cfg.Bootstrap(&dialect.Bootstrap{AdminUsername: "admin", AdminGroup: "dirgate-admins",
		Secret: func(int) string { return "quick-start-secret-0123456789" }}); err != nil {
		t.Fatal(err)
	}
	srv := serve(t, cfg, env)

	admin := login(t, srv.URL, "admin", "admin-Pw-1")
	if admin.Role != "admin" || admin.Realm != "local" {
		t.Errorf("admin login: %+v", admin)
	}
	if user := login(t, srv.URL, "jdoe@local", "jdoe-Pw-1"); user.Role != "user" {
		t.Errorf("jdoe login: %+v", user)
	}
	var list struct {
		Result struct {
			Value []map[string]any `json:"value"`
		} `json:"result"`
	}
	get(t, srv.URL+"/user/?realm=local&username=jdoe", admin.Token, &list)
	if v := list.Result.Value; len(v) != 1 || v[0]["resolver"] != "local" || v[0]["editable"] != true || v[0]["realm"] != "local" {
		t.Errorf("listing: %+v", v)
	}
}

// TestSizeLimit: a listing returns at most sizeLimit entries per resolver.
func TestSizeLimit(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, pt.Base)
	dom := env.Domain
	var adminDN string
	for _, name := range []string{"admin", "u1", "u2", "u3"} {
		u, err := dom.CreateUser(t.Context(), root, directory.NewUser{Username: name, Password: "Size-Pw-1"})
		if err != nil {
			t.Fatal(err)
		}
		if name == "admin" {
			adminDN = u.DN
		}
	}
	cfg := privacyidea.DefaultConfig()
	cfg.Secret = "size-limit-secret-0123456789"
	cfg.SizeLimit = 2
	cfg.Resolvers = map[string]privacyidea.ResolverConfig{"local": {}}
	cfg.Realms = map[string]privacyidea.RealmConfig{"local": {Resolvers: []string{"local"}}}
	cfg.Admins.DNs = []string{adminDN}
	srv := serve(t, cfg, env)
	admin := login(t, srv.URL, "admin", "Size-Pw-1")
	var list struct {
		Result struct {
			Value []map[string]any `json:"value"`
		} `json:"result"`
	}
	get(t, srv.URL+"/user/?username=u*", admin.Token, &list)
	if v := list.Result.Value; len(v) != 2 || v[0]["username"] != "u1" || v[1]["username"] != "u2" {
		t.Errorf("listing with sizeLimit 2: %+v", v)
	}
}

type authValue struct {
	Token, Role, Username, Realm string
}

func login(t *testing.T, base, username, password string) authValue {
	t.Helper()
	resp, err := http.PostForm(base+"/auth", url.Values{"username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Result struct {
			Value authValue `json:"value"`
		} `json:"result"`
	}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, &body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("login %s: HTTP %d %s", username, resp.StatusCode, raw)
	}
	return body.Result.Value
}

func get(t *testing.T, target, token string, into any) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, target, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, into) != nil {
		t.Fatalf("GET %s: HTTP %d %s", strings.TrimPrefix(target, "http://"), resp.StatusCode, raw)
	}
}
