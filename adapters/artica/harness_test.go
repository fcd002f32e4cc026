package artica

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// testVersion is the Version the harness builds the dialect with.
const testVersion = "9.9.9-test"

// harness is the adapter wired as the server wires it: the core over a
// real embedded store, the dialect mounted on an echo instance for a unix
// listener (sock) and one for a TCP listener (tcp).
type harness struct {
	t      *testing.T
	d      *Dialect
	domain *identity.Domain
	sock   *echo.Echo
	tcp    *echo.Echo
	// audit collects the core's audit lines.
	audit *inproc.Buffer
}

// newHarness builds the dialect with the default configuration changed by
// edit. The domain's gid range starts at 5004, so the organization's
// default group gets 5004 and the seed's "accountants" group 5005.
func newHarness(t *testing.T, edit func(*Config)) *harness {
	t.Helper()
	env := inproc.New(t, identity.DomainConfig{
		Name:     "example.com",
		GIDRange: directory.Range{Min: 5004, Max: 5999},
	}, "dc=example,dc=com")
	cfg := DefaultConfig()
	cfg.Backup.Dir = t.TempDir()
	cfg.APIKeys = []APIKey{
		{Name: "rw", Hash: HashKey("read-write-key-000001")},
		{Name: "ro", Key: "read-only-key-0000002", ReadOnly: true},
	}
	if edit != nil {
		edit(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config: %v", err)
	}
	deps := env.Deps(t)
	deps.Version = testVersion
	built, err := cfg.Build(deps)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	d := built.(*Dialect)
	t.Cleanup(func() { _ = d.Close() })
	h := &harness{t: t, d: d, domain: env.Domain, audit: env.Audit}
	h.sock = inproc.Mount(d, "", dialect.Listener{Network: "unix", Address: "/run/articarest.sock"})
	h.tcp = inproc.Mount(d, "", dialect.Listener{Network: "tcp", Address: "127.0.0.1:9503"})
	return h
}

// answer is a decoded Artica envelope.
type answer struct {
	Code    int
	Header  http.Header
	Raw     string
	Status  bool            `json:"Status"`
	Info    string          `json:"Info"`
	Error   string          `json:"Error"`
	Version string          `json:"Version"`
	Data    json.RawMessage `json:"Data"`
}

// call sends a request on the unix-socket instance.
func (h *harness) call(method, path, body string) answer {
	h.t.Helper()
	return h.send(h.sock, method, path, body, nil)
}

// send sends a request; edit may set headers and the remote address.
func (h *harness) send(e *echo.Echo, method, path, body string, edit func(*http.Request)) answer {
	h.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.RemoteAddr = "127.0.0.1:50000"
	if edit != nil {
		edit(req)
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	a := answer{Code: rec.Code, Header: rec.Header(), Raw: rec.Body.String()}
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		h.t.Fatalf("%s %s: answer is not JSON (%v): %q", method, path, err, a.Raw)
	}
	return a
}

// ok asserts a successful answer and returns it.
func (h *harness) ok(method, path, body string) answer {
	h.t.Helper()
	a := h.call(method, path, body)
	if !a.Status || a.Code != http.StatusOK || a.Error != "" {
		h.t.Fatalf("%s %s: want Status true, got %d %s", method, path, a.Code, a.Raw)
	}
	return a
}

// refused asserts Artica's failure answer (HTTP 200, Status false, an
// Error containing want) and returns it.
func (h *harness) refused(method, path, body, want string) answer {
	h.t.Helper()
	a := h.call(method, path, body)
	h.t.Helper()
	checkFailure(h.t, a, http.StatusOK, want)
	return a
}

func checkFailure(t *testing.T, a answer, code int, want string) {
	t.Helper()
	if a.Code != code || a.Status || !strings.Contains(a.Error, want) {
		t.Fatalf("want HTTP %d Status false with error %q, got %d %s", code, want, a.Code, a.Raw)
	}
	var raw map[string]any
	if err := json.Unmarshal([]byte(a.Raw), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 3 || raw["Info"] != "" {
		t.Fatalf("a failure is exactly {Status, Error, Info:\"\"}, got %s", a.Raw)
	}
}

// data decodes an answer's Data into v.
func (h *harness) data(a answer, v any) {
	h.t.Helper()
	if err := json.Unmarshal(a.Data, v); err != nil {
		h.t.Fatalf("Data: %v in %s", err, a.Raw)
	}
}

// user reads a user straight from the core (nil when it does not exist).
func (h *harness) user(username string) *directory.User {
	h.t.Helper()
	u, err := h.domain.GetUser(h.t.Context(), identity.Caller{Name: "test"}, directory.ByName(username))
	if err != nil {
		return nil
	}
	return u
}

// groupsOf lists the names of the groups a user is a direct member of.
func (h *harness) groupsOf(username string) []string {
	h.t.Helper()
	ms, err := h.domain.MemberOf(h.t.Context(), identity.Caller{Name: "test"}, directory.UserRef(directory.ByName(username)), false)
	if err != nil {
		h.t.Fatalf("MemberOf %s: %v", username, err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Group.Name)
	}
	return names
}
