package openapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// The unit tests run the dialect as the server does (mounted under /api on
// echo, bodies bounded, the core over a real directory: the embedded
// store) and talk to it over HTTP with a client that validates every
// request and response against the OpenAPI document.

const (
	testAdmin         = "admin"
	testAdminPassword = "Adm1n-secret!"
	testAdminGroup    = "dirgate-admins"
	testBodyLimit     = 64 << 10
)

// setupCaller makes fixtures through the core, not through the API under
// test.
var setupCaller = identity.Caller{Name: "test-setup", Dialect: "test"}

type harness struct {
	t      *testing.T
	d      *Dialect
	domain *identity.Domain
	dir    directory.Directory
	url    string
	// anon sends no token; admin the admin's.
	anon, admin *openapitest.Client
	audit       *inproc.Buffer
	// clock is what the dialect believes the time is (zero: real time).
	mu    sync.Mutex
	clock time.Time
}

type harnessOptions struct {
	policy identity.PasswordPolicy
	tweak  func(*Config)
}

func newHarness(t *testing.T, opts ...func(*harnessOptions)) *harness {
	t.Helper()
	var o harnessOptions
	for _, f := range opts {
		f(&o)
	}
	ctx := context.Background()
	// Users get a primary gid without a group entry: the fixtures list
	// every group, and the core's default group would be one more.
	env := inproc.New(t, identity.DomainConfig{Name: "example.com", PasswordPolicy: o.policy,
		DefaultGIDNumber: 59999, AdminGroups: []string{testAdminGroup}}, "dc=example,dc=com")
	domain := env.Domain
	for _, ou := range []string{"people", "groups"} {
		if _, err := domain.CreateOU(ctx, setupCaller, directory.NewOU{Name: ou}); err != nil && !strings.Contains(err.Error(), "exists") {
			t.Fatalf("create ou=%s: %v", ou, err)
		}
	}

	cfg := DefaultConfig()
	cfg.JWTSecret = strings.Repeat("j", 40)
	cfg.Invitations.Secret = strings.Repeat("i", 40)
	cfg.AdminGroup = testAdminGroup
	if o.tweak != nil {
		o.tweak(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	built, err := cfg.Build(env.Deps(t))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, d: built.(*Dialect), domain: domain, dir: env.Dir, audit: env.Audit}
	h.d.now = func() time.Time {
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.clock.IsZero() {
			return time.Now()
		}
		return h.clock
	}

	e := inproc.MountLimit(built, DefaultPrefix, dialect.Listener{Network: "tcp", Address: "test"}, testBodyLimit)
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	h.url = srv.URL + DefaultPrefix
	h.anon = openapitest.New(t, h.url, srv.Client())

	admins, err := domain.CreateGroup(ctx, setupCaller, directory.NewGroup{Name: testAdminGroup})
	if err != nil {
		t.Fatal(err)
	}
	admin := h.seedUser(directory.NewUser{Username: testAdmin, DisplayName: "Administrator", Password: testAdminPassword})
	if err := domain.AddMember(ctx, setupCaller, directory.ByID(admins.ID), directory.UserRef(directory.ByID(admin.ID))); err != nil {
		t.Fatal(err)
	}
	h.admin = h.login(testAdmin, testAdminPassword)
	return h
}

// setNow moves the dialect's clock (tokens, invitations).
func (h *harness) setNow(t time.Time) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clock = t
}

// seedUser creates a user through the core directly: fixtures need not go
// through the API under test.
func (h *harness) seedUser(in directory.NewUser) *directory.User {
	h.t.Helper()
	u, err := h.domain.CreateUser(context.Background(), setupCaller, in)
	if err != nil {
		h.t.Fatalf("seed user %q: %v", in.Username, err)
	}
	return u
}

func (h *harness) seedGroup(name string, members ...directory.PrincipalRef) *directory.Group {
	h.t.Helper()
	g, err := h.domain.CreateGroup(context.Background(), setupCaller, directory.NewGroup{Name: name, Members: members})
	if err != nil {
		h.t.Fatalf("seed group %q: %v", name, err)
	}
	return g
}

// user reads a user from the directory, bypassing the API.
func (h *harness) user(ref directory.Ref) *directory.User {
	h.t.Helper()
	u, err := h.dir.GetUser(context.Background(), ref)
	if err != nil {
		h.t.Fatalf("read user %s: %v", ref, err)
	}
	return u
}

func (h *harness) group(ref directory.Ref) *directory.Group {
	h.t.Helper()
	g, err := h.dir.GetGroup(context.Background(), ref)
	if err != nil {
		h.t.Fatalf("read group %s: %v", ref, err)
	}
	return g
}

// login logs in through the API and returns a client with the token.
func (h *harness) login(username, password string) *openapitest.Client {
	h.t.Helper()
	r := h.anon.Post("/login", map[string]string{"username": username, "password": password})
	if r.Status != http.StatusOK {
		h.t.Fatalf("login %s: %d %s", username, r.Status, r.Body)
	}
	var tok struct {
		Token     string `json:"token"`
		ExpiresIn int64  `json:"expiresIn"`
	}
	r.Decode(h.t, &tok)
	return h.anon.WithToken(tok.Token)
}

// expect checks a response's status and, for failures, that the message
// contains want.
func expect(t *testing.T, r *openapitest.Response, status int, want ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body %s", r.Status, status, r.Body)
	}
	for _, w := range want {
		if !strings.Contains(string(r.Body), w) {
			t.Fatalf("body %s does not contain %q", r.Body, w)
		}
	}
}

func str(v any) string { return fmt.Sprint(v) }

// strictPolicy asks for 8 characters and refuses personal information.
func strictPolicy() identity.PasswordPolicy {
	return identity.PasswordPolicy{MinLength: 8, MaxLength: 256, RejectPersonalInfo: true}
}

func queryEscape(s string) string { return url.QueryEscape(s) }

// names lists the given member of every entity of a list answer.
func names(t *testing.T, r *openapitest.Response, member string) []string {
	t.Helper()
	var list struct {
		TotalCount int              `json:"totalCount"`
		Data       []map[string]any `json:"data"`
	}
	r.Decode(t, &list)
	out := make([]string, 0, len(list.Data))
	for _, e := range list.Data {
		out = append(out, str(e[member]))
	}
	return out
}
