package openapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// FuzzListQuery compiles an arbitrary query string as the list endpoints
// do, for users, groups and principals. A refusal is a 400 naming the
// problem; what compiles is a filter the core accepts for that entity.
func FuzzListQuery(f *testing.F) {
	for _, q := range []string{
		"filter[userName][EQ]=alice&sort=-_created,userName&page[limit]=10",
		"filter[email][CO]=%2A%29%28uid%3D%2A&fields=userName,email",
		"filter[_id][IN]=a,b&filter[_id][IN]=c",
		"filter[active][EQ]=TRUE&filter[deleted][EQ]=deletedOnly",
		"filter[_created][GT]=2025-01-01T00:00:00Z&filter[_modified][LT]=not-a-date",
		"filter[name][SW]=%00&filter[externalId][PR]",
		"filter[displayName][CO]=x&filter[_type][EQ]=Group&sort=displayName",
		"filter[x]=1", "filter[a][b][c]=1", "page[offset]=-1", "page[limit]=1001", "page[foo]=1",
		"sort=&fields=,,&excludeFields=nope", "filter[userName][IN]=,,,", "%zz=1",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return // echo drops the malformed pairs; so does the fuzzer
		}
		p, err := parseListParams(q)
		if err != nil {
			checkBadRequest(t, raw, err)
			return
		}
		if lq, err := compileList(p, users); err != nil {
			checkBadRequest(t, raw, err)
		} else if err := directory.Validate(lq.query.Filter, directory.UserFields); err != nil {
			t.Fatalf("%s: the user filter %#v does not validate: %v", raw, lq.query.Filter, err)
		}
		if lq, err := compileList(p, groups); err != nil {
			checkBadRequest(t, raw, err)
		} else if err := directory.Validate(lq.query.Filter, directory.GroupFields); err != nil {
			t.Fatalf("%s: the group filter %#v does not validate: %v", raw, lq.query.Filter, err)
		}
		if s, err := compilePrincipalSearch(p); err != nil {
			checkBadRequest(t, raw, err)
		} else {
			if s.users != nil {
				if err := directory.Validate(s.users.Filter, directory.UserFields); err != nil {
					t.Fatalf("%s: the principals' user filter does not validate: %v", raw, err)
				}
			}
			if s.groups != nil {
				if err := directory.Validate(s.groups.Filter, directory.GroupFields); err != nil {
					t.Fatalf("%s: the principals' group filter does not validate: %v", raw, err)
				}
			}
		}
	})
}

func checkBadRequest(t *testing.T, raw string, err error) {
	t.Helper()
	var api *apiError
	if !errors.As(err, &api) || api.status != http.StatusBadRequest || api.message == "" {
		t.Fatalf("%s: %v is not a 400 with a message", raw, err)
	}
}

// FuzzServe sends arbitrary requests under /api with an admin token, a
// user token or none. Every answer is {"error": "..."} with a status from
// the dialect's table, or a success; never a panic or a 5xx.
func FuzzServe(f *testing.F) {
	for _, s := range []struct {
		method     uint8
		path, body string
		token      uint8
	}{
		{1, "users", `{"userName":"n*(x)","displayName":"N","email":"n@example.com","password":"Create-Pw-1","mustChange":true}`, 0},
		{1, "users", `{"userName":["a"],"password":{},"active":"yes","unknown":1}`, 0},
		{0, "users?filter[userName][CO]=%2A%29%28uid%3D%2A&sort=-userName", "", 0},
		{0, "users/me", "", 1},
		{4, "users/me", `[{"op":"replace","path":"/displayName","value":"x"}]`, 1},
		{3, "users/00000000-0000-0000-0000-000000000000", `{"displayName":null,"userName":""}`, 0},
		{4, "users/x", `[{"op":"add","path":"/~1a~0","value":1},{"op":"move"}]`, 0},
		{1, "groups", `{"name":"g)(cn=*","externalId":"e"}`, 0},
		{4, "groups/x/members", `[{"op":"add","name":"*","principalType":"Group"}]`, 0},
		{0, "principals?filter[_type][EQ]=User&filter[name][IN]=a,b", "", 0},
		{1, "login", `{"username":"*","password":"*"}`, 2},
		{1, "login/impersonate", `{"userId":"*"}`, 1},
		{1, "password/validate", `{"password":"x","username":"a","displayName":1}`, 2},
		{1, "password/change", `{"username":"alice","currentPassword":"Secret-Pw-1","newPassword":"Secret-Pw-1"}`, 2},
		{1, "invitations", `{"email":"i@example.com","userName":"inv)("}`, 0},
		{1, "invitations/accept", `{"token":"x.y.z","userName":"a"}`, 2},
		{2, "users/me/password", `{"currentPassword":"Secret-Pw-1","newPassword":"Secret-Pw-2"}`, 1},
	} {
		f.Add(s.method, s.path, s.body, s.token)
	}
	h := newFuzzOpenAPI(f)
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}
	f.Fuzz(func(t *testing.T, method uint8, path, body string, token uint8) {
		if strings.ContainsAny(path, " \t\r\n#") {
			return // not a request line a client can send
		}
		req, err := http.NewRequest(methods[int(method)%len(methods)], "http://localhost"+DefaultPrefix+"/"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", mediaJSON)
		if req.Method == http.MethodPatch {
			req.Header.Set("Content-Type", mediaJSONPatch)
		}
		if tok := h.tokens[int(token)%len(h.tokens)]; tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		w := inproc.Serve(h.e, req)
		what := req.Method + " " + req.URL.String()
		if w.Code >= 500 {
			t.Fatalf("%s: HTTP %d on the embedded store: %s", what, w.Code, w.Body)
		}
		if w.Code < 400 || w.Code == http.StatusNotFound && !strings.HasPrefix(req.URL.Path, DefaultPrefix+"/") {
			return
		}
		var env map[string]any
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil {
			t.Fatalf("%s: HTTP %d, not JSON (%v): %s", what, w.Code, err, w.Body)
		}
		if msg, ok := env["error"].(string); !ok || msg == "" || len(env) != 1 {
			t.Fatalf("%s: HTTP %d, not the error envelope: %s", what, w.Code, w.Body)
		}
	})
}

type fuzzOpenAPI struct {
	e      http.Handler
	tokens []string // admin, user, none
}

// newFuzzOpenAPI serves the dialect with an admin (member of the admin
// group) and a plain user, both logged in.
func newFuzzOpenAPI(f *testing.F) *fuzzOpenAPI {
	env := inproc.New(f, identity.DomainConfig{Name: "example.com"}, "dc=example,dc=com")
	ctx := context.Background()
	for _, u := range []string{"root", "alice"} {
		if _, err := env.Domain.CreateUser(ctx, inproc.System, directory.NewUser{Username: u, Password: "Secret-Pw-1"}); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := env.Domain.CreateGroup(ctx, inproc.System, directory.NewGroup{Name: "admins",
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByName("root"))}}); err != nil {
		f.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.JWTSecret = strings.Repeat("j", 40)
	cfg.Invitations.Secret = strings.Repeat("i", 40)
	cfg.AdminGroup = "admins"
	if err := cfg.Validate(); err != nil {
		f.Fatal(err)
	}
	d, err := cfg.Build(env.Deps(f))
	if err != nil {
		f.Fatal(err)
	}
	h := &fuzzOpenAPI{e: inproc.Mount(d, DefaultPrefix, dialect.Listener{Network: "tcp"})}
	for _, u := range []string{"root", "alice"} {
		req, _ := http.NewRequest(http.MethodPost, "http://localhost"+DefaultPrefix+"/login",
			strings.NewReader(`{"username":"`+u+`","password":"Secret-Pw-1"}`))
		req.Header.Set("Content-Type", mediaJSON)
		w := inproc.Serve(h.e, req)
		var login struct{ Token string }
		if err := json.Unmarshal(w.Body.Bytes(), &login); err != nil || login.Token == "" {
			f.Fatalf("login %s: HTTP %d %s", u, w.Code, w.Body)
		}
		h.tokens = append(h.tokens, login.Token)
	}
	h.tokens = append(h.tokens, "")
	return h
}
