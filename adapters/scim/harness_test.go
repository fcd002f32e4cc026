package scim

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

const (
	baseDN   = "dc=example,dc=com"
	scopedOU = "ou=partners,dc=example,dc=com"
	goodPass = "Provision-Pw-1"
)

// counting is the store, counting the reads of member lists: what proves
// that an answer without members never reads them.
type counting struct {
	directory.Directory
	memberReads atomic.Int64
}

func (c *counting) Members(ctx context.Context, g directory.Ref, indirect bool) ([]directory.Member, error) {
	c.memberReads.Add(1)
	return c.Directory.Members(ctx, g, indirect)
}

// harness is the dialect wired as the server wires it, over the core on
// a real embedded store.
type harness struct {
	t    testing.TB
	e    *echo.Echo
	env  *inproc.Env
	dir  *counting
	dom  *identity.Domain
	core *identity.Service
	// Tokens: full access, read-only, limited to ou=partners.
	admin, reader, scoped string
}

func newHarness(t testing.TB, configure ...func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t}
	cfg := identity.DomainConfig{Name: "example.com", PasswordPolicy: identity.PasswordPolicy{MinLength: 8, MaxLength: 256}}
	h.env = inproc.New(t, cfg, baseDN)
	h.dir = &counting{Directory: h.env.Dir}
	h.dom = identity.NewDomain(cfg, h.dir, identity.NewAuditLog(h.env.Audit), h.env.Log)
	core, err := identity.NewService(h.dom)
	if err != nil {
		t.Fatal(err)
	}
	h.core = core
	if _, err := h.dom.CreateOU(t.Context(), inproc.System, directory.NewOU{ParentDN: baseDN, Name: "partners"}); err != nil {
		t.Fatal(err)
	}
	c := DefaultConfig()
	for _, k := range []struct {
		dst      *string
		name     string
		readOnly bool
		subtrees []string
	}{{&h.admin, "admin", false, nil}, {&h.reader, "reader", true, nil}, {&h.scoped, "partners", false, []string{scopedOU}}} {
		tc, tok, err := NewToken(k.name, k.readOnly, k.subtrees)
		if err != nil {
			t.Fatal(err)
		}
		c.Tokens = append(c.Tokens, tc)
		*k.dst = tok
	}
	for _, f := range configure {
		f(c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	deps := h.env.Deps(t)
	deps.Core = core
	d, err := c.Build(deps)
	if err != nil {
		t.Fatal(err)
	}
	h.e = inproc.Mount(d, DefaultPrefix, dialect.Listener{Network: "tcp", Address: "127.0.0.1:0"})
	return h
}

// answer is one response.
type answer struct {
	status int
	header http.Header
	raw    string
}

func (a answer) doc(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(a.raw), &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %s", a.status, a.raw)
	}
	return m
}

// send makes a request with a token ("" sends none); body is JSON text
// or a value to encode.
func (h *harness) send(token, method, path string, body any, headers ...string) answer {
	h.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		r = strings.NewReader(string(raw))
	}
	req := httptest.NewRequest(method, DefaultPrefix+path, r)
	req.RemoteAddr = "192.0.2.10:40000"
	if body != nil {
		req.Header.Set("Content-Type", mediaType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	w := inproc.Serve(h.e, req)
	a := answer{status: w.Code, header: w.Header(), raw: w.Body.String()}
	checkAnswer(h.t, req, a)
	return a
}

func (h *harness) call(method, path string, body any, headers ...string) answer {
	h.t.Helper()
	return h.send(h.admin, method, path, body, headers...)
}

// expect checks a status, and for an error the SCIM envelope.
func expect(t testing.TB, a answer, status int, scimType ...string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, a.raw)
	}
	if ct := a.header.Get("Content-Type"); a.raw != "" && !strings.HasPrefix(ct, mediaType) {
		t.Fatalf("Content-Type %q, want %s", ct, mediaType)
	}
	if status < 400 {
		return
	}
	var e errorBody
	if err := json.Unmarshal([]byte(a.raw), &e); err != nil || len(e.Schemas) != 1 || e.Schemas[0] != schemaError {
		t.Fatalf("not a SCIM error: %s", a.raw)
	}
	if e.Status != itoa(status) {
		t.Fatalf("status member %q, want %q", e.Status, itoa(status))
	}
	if len(scimType) > 0 && e.ScimType != scimType[0] {
		t.Fatalf("scimType %q, want %q: %s", e.ScimType, scimType[0], a.raw)
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// createUser posts a user and returns its resource.
func (h *harness) createUser(body map[string]any) map[string]any {
	h.t.Helper()
	if body["schemas"] == nil {
		body["schemas"] = []string{urnUser}
	}
	a := h.call(http.MethodPost, "/Users", body)
	expect(h.t, a, http.StatusCreated)
	return a.doc(h.t)
}

// user reads a user from the directory, nil when absent.
func (h *harness) user(id string) *directory.User {
	h.t.Helper()
	u, err := h.env.Dir.GetUser(h.t.Context(), directory.ByID(id))
	if errors.Is(err, directory.ErrNotFound) {
		return nil
	}
	if err != nil {
		h.t.Fatal(err)
	}
	return u
}

func patchBody(ops ...map[string]any) map[string]any {
	return map[string]any{"schemas": []string{urnPatchOp}, "Operations": ops}
}

func op(kind, path string, value any) map[string]any {
	m := map[string]any{"op": kind}
	if path != "" {
		m["path"] = path
	}
	if value != nil {
		m["value"] = value
	}
	return m
}

// ids lists the ids of a ListResponse's resources.
func ids(t testing.TB, a answer) []string {
	t.Helper()
	var lr struct {
		Resources []map[string]any `json:"Resources"`
	}
	if err := json.Unmarshal([]byte(a.raw), &lr); err != nil {
		t.Fatalf("not a ListResponse: %s", a.raw)
	}
	var out []string
	for _, r := range lr.Resources {
		out = append(out, r["id"].(string))
	}
	return out
}
