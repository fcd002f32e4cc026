package kanboard

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

const (
	testBase  = "dc=example,dc=com"
	testToken = "unit-test-token-0123456789"
	// testBodyLimit stands for the server's server.bodyLimit.
	testBodyLimit = 64 << 10
)

// harness is the dialect as the server wires it: the core over a real
// embedded directory, the dialect built from its configuration and
// mounted at the root of an echo instance that bounds bodies.
type harness struct {
	t    *testing.T
	dir  directory.Directory
	dom  *identity.Domain
	echo *echo.Echo
	// env holds the audit log and the server log, to check that no
	// password ever reaches them.
	env *inproc.Env
}

func newHarness(t *testing.T, configure ...func(*Config)) *harness {
	t.Helper()
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	cfg := DefaultConfig()
	cfg.Token = testToken
	for _, f := range configure {
		f(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	d, err := cfg.Build(env.Deps(t))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	e := inproc.MountLimit(d, "", dialect.Listener{Network: "tcp", Address: "127.0.0.1:0"}, testBodyLimit)
	return &harness{t: t, dir: env.Dir, dom: env.Domain, echo: e, env: env}
}

// response is one HTTP exchange's answer.
type response struct {
	status int
	header http.Header
	body   string
}

// send posts body to /jsonrpc.php with Basic user:password ("" user: no
// credentials).
func (h *harness) send(user, password, body string) response {
	h.t.Helper()
	return h.request(http.MethodPost, "/jsonrpc.php", body, func(r *http.Request) {
		if user != "" {
			r.SetBasicAuth(user, password)
		}
	})
}

func (h *harness) request(method, path, body string, prepare func(*http.Request)) response {
	h.t.Helper()
	r := httptest.NewRequestWithContext(h.t.Context(), method, path, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	prepare(r)
	w := httptest.NewRecorder()
	h.echo.ServeHTTP(w, r)
	raw, _ := io.ReadAll(w.Result().Body)
	return response{status: w.Code, header: w.Header(), body: string(raw)}
}

// app posts in application mode.
func (h *harness) app(body string) response {
	h.t.Helper()
	return h.send(appUsername, testToken, body)
}

// call is one application-mode call (id 1) that must succeed; it returns
// the result's JSON.
func (h *harness) call(method string, params any) string {
	h.t.Helper()
	req := map[string]any{"jsonrpc": "2.0", "id": 1, "method": method}
	if params != nil {
		req["params"] = params
	}
	raw, err := json.Marshal(req)
	if err != nil {
		h.t.Fatal(err)
	}
	res := h.app(string(raw))
	var env struct {
		JSONRPC string          `json:"jsonrpc"`
		Result  json.RawMessage `json:"result"`
		Error   json.RawMessage `json:"error"`
		ID      json.RawMessage `json:"id"`
	}
	if res.status != http.StatusOK || json.Unmarshal([]byte(res.body), &env) != nil || env.Error != nil ||
		string(env.ID) != "1" || env.JSONRPC != "2.0" {
		h.t.Fatalf("%s(%s): HTTP %d %s", method, raw, res.status, res.body)
	}
	return string(env.Result)
}

// createUser creates a Kanboard user through the API and returns its id.
func (h *harness) createUser(params ...any) int64 {
	h.t.Helper()
	var id int64
	if r := h.call("createUser", params); json.Unmarshal([]byte(r), &id) != nil || id <= 0 {
		h.t.Fatalf("createUser%v = %s", params, r)
	}
	return id
}

// user reads a user straight from the directory.
func (h *harness) user(ref directory.Ref) *directory.User {
	h.t.Helper()
	u, err := h.dir.GetUser(context.Background(), ref)
	if errors.Is(err, directory.ErrNotFound) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

// groups lists the names of the groups a user is a direct member of.
func (h *harness) groups(ref directory.Ref) []string {
	h.t.Helper()
	ms, err := h.dir.MemberOf(context.Background(), directory.UserRef(ref), false)
	if err != nil {
		h.t.Fatal(err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Group.Name)
	}
	slices.Sort(names)
	return names
}

// countUsers counts every user of the directory.
func (h *harness) countUsers() int {
	h.t.Helper()
	p, err := h.dir.SearchUsers(context.Background(), directory.Query{})
	if err != nil {
		h.t.Fatal(err)
	}
	return p.Total
}

// directoryUser creates a user straight in the directory, as another
// tool would have: under parent, with or without a uidNumber.
func (h *harness) directoryUser(parent, username string, uidNumber int64, password string) *directory.User {
	h.t.Helper()
	ctx := context.Background()
	if _, err := h.dir.GetOU(ctx, directory.ByDN(parent)); errors.Is(err, directory.ErrNotFound) {
		name, _ := directory.FirstRDNValue(parent)
		pp, _ := directory.ParentDN(parent)
		if _, err := h.dir.CreateOU(ctx, directory.NewOU{ParentDN: pp, Name: name}); err != nil {
			h.t.Fatal(err)
		}
	}
	u, err := h.dir.CreateUser(ctx, directory.NewUser{
		ParentDN: parent, Username: username, UIDNumber: uidNumber, GIDNumber: 10000,
		DisplayName: "Dir " + username, Mail: username + "@example.com", Password: password,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

func wantEqual[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s:\n got %v\nwant %v", what, got, want)
	}
}
