package adweb

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/internal/testenv/smtpsink"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
	"github.com/dirgate/dirgate/pkg/identity"
)

// The fixture tree every handler test starts from.
const (
	fqdn       = "dart.org"
	baseDN     = "dc=dart,dc=org"
	dartOU     = "ou=Dart,dc=dart,dc=org"
	scopedOU   = "ou=Scoped,dc=dart,dc=org"
	groupDN    = "cn=interfaceadmin,ou=Dart,dc=dart,dc=org"
	bodyLimit  = 64 << 10
	goodPass   = "Dummy@ssword1"
	policyMin  = 8
	pagerValue = "some value"
)

// harness is the adapter wired as the server wires it: the core over a real
// embedded store, the dialect mounted under /restapi on an echo instance
// that bounds bodies and leaves the answer to the dialect.
type harness struct {
	t    *testing.T
	e    *echo.Echo
	dom  *identity.Domain
	sink *smtpsink.Sink
	// env collects everything dirgate wrote, to check that no password
	// ever appears there.
	env *inproc.Env
	// Key pairs: full access, read-only, limited to ou=Scoped.
	admin, readOnly, scoped credentials
	// existing is a user in ou=Dart with a mail address.
	existing *directory.User
}

type credentials struct{ key, secret string }

// system is the caller the fixture uses to set up and inspect the tree.
var system = identity.Caller{Name: "test", Dialect: "test"}

// storeConfig turns the lockout on and leaves the extra attributes at the
// quick start's default (pager, the seed's customAttributes, among them).
func storeConfig(c *embedded.Config) {
	c.LockoutThreshold = 3
}

func newHarness(t *testing.T, configure ...func(*Config)) *harness {
	t.Helper()
	h := &harness{t: t}
	h.env = inproc.New(t, identity.DomainConfig{
		Name:           fqdn,
		PasswordPolicy: identity.PasswordPolicy{MinLength: policyMin, MaxLength: 256},
	}, baseDN, storeConfig)
	h.dom = h.env.Domain

	h.sink = smtpsink.New(t)
	cfg := DefaultConfig()
	cfg.SMTP = sinkConfig(h.sink)
	for _, k := range []struct {
		c        *credentials
		name     string
		readOnly bool
		subtrees []string
	}{{&h.admin, "admin", false, nil}, {&h.readOnly, "reader", true, nil}, {&h.scoped, "scoped", false, []string{scopedOU}}} {
		kc, secret, err := NewKey(k.name, k.readOnly, k.subtrees)
		if err != nil {
			t.Fatal(err)
		}
		cfg.Keys = append(cfg.Keys, kc)
		*k.c = credentials{kc.Key, secret}
	}
	for _, f := range configure {
		f(cfg)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := cfg.Build(h.env.Deps(t))
	if err != nil {
		t.Fatal(err)
	}
	h.e = inproc.MountLimit(d, DefaultPrefix, dialect.Listener{Network: "tcp", Address: "127.0.0.1:0"}, bodyLimit)

	h.seed()
	return h
}

// seed creates ou=Dart with the interfaceadmin group and one user, and
// ou=Scoped.
func (h *harness) seed() {
	h.t.Helper()
	ctx := h.t.Context()
	for _, name := range []string{"Dart", "Scoped"} {
		if _, err := h.dom.CreateOU(ctx, system, directory.NewOU{ParentDN: baseDN, Name: name}); err != nil {
			h.t.Fatalf("seed OU %s: %v", name, err)
		}
	}
	if _, err := h.dom.CreateGroup(ctx, system, directory.NewGroup{ParentDN: dartOU, Name: "interfaceadmin"}); err != nil {
		h.t.Fatalf("seed group: %v", err)
	}
	u, err := h.dom.CreateUser(ctx, system, directory.NewUser{
		ParentDN: dartOU, Username: "existing", DisplayName: "Existing User", Mail: "existing@dart.org", Password: goodPass,
	})
	if err != nil {
		h.t.Fatalf("seed user: %v", err)
	}
	h.existing = u
}

// answer is a decoded envelope.
type answer struct {
	status    int
	header    http.Header
	raw       string
	Success   bool            `json:"success"`
	Message   string          `json:"message"`
	Data      json.RawMessage `json:"data"`
	ErrorCode string          `json:"errorCode"`
}

// call sends a request with the admin key.
func (h *harness) call(method, path, body string) answer {
	h.t.Helper()
	return h.send(h.admin, method, path, body)
}

// send sends a request with a key pair (the zero pair sends no headers).
func (h *harness) send(k credentials, method, path, body string) answer {
	h.t.Helper()
	var r io.Reader = http.NoBody
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(h.t.Context(), method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if k.key != "" {
		req.Header.Set("ApiKey", k.key)
	}
	if k.secret != "" {
		req.Header.Set("ApiSecret", k.secret)
	}
	rec := httptest.NewRecorder()
	h.e.ServeHTTP(rec, req)
	a := answer{status: rec.Code, header: rec.Header(), raw: rec.Body.String()}
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil {
		h.t.Fatalf("%s %s: answer is not JSON (%v): %d %q", method, path, err, rec.Code, a.raw)
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		h.t.Errorf("%s %s: Content-Type %q", method, path, rec.Header().Get("Content-Type"))
	}
	return a
}

// ok fails the test unless the answer is a success; it decodes data into
// out (when not nil).
func (a answer) ok(t *testing.T, what string, out any) answer {
	t.Helper()
	if a.status != http.StatusOK || !a.Success || a.ErrorCode != "" {
		t.Fatalf("%s: %d %s", what, a.status, a.raw)
	}
	if out != nil {
		if err := json.Unmarshal(a.Data, out); err != nil {
			t.Fatalf("%s: data: %v: %s", what, err, a.Data)
		}
	}
	return a
}

// refused fails the test unless the answer is the error envelope with
// that status and code, and a message containing every part of want.
func (a answer) refused(t *testing.T, what string, status int, code string, want ...string) {
	t.Helper()
	if a.status != status || a.Success || a.ErrorCode != code {
		t.Errorf("%s: got %d %s, want %d %s", what, a.status, a.raw, status, code)
		return
	}
	var shape map[string]any
	_ = json.Unmarshal([]byte(a.raw), &shape)
	if _, hasData := shape["data"]; hasData || len(shape) != 3 {
		t.Errorf("%s: error envelope has keys %v, want success, message, errorCode", what, shape)
	}
	for _, w := range want {
		if !strings.Contains(a.Message, w) {
			t.Errorf("%s: message %q lacks %q", what, a.Message, w)
		}
	}
}

// user reads a user from the directory, nil when absent.
func (h *harness) user(ref directory.Ref) *directory.User {
	h.t.Helper()
	u, err := h.dom.GetUser(h.t.Context(), system, ref)
	if errors.Is(err, directory.ErrNotFound) {
		return nil
	}
	if err != nil {
		h.t.Fatalf("GetUser(%s): %v", ref, err)
	}
	return u
}

// groupsOf lists the names of a user's direct groups.
func (h *harness) groupsOf(ref directory.Ref) []string {
	h.t.Helper()
	ms, err := h.dom.MemberOf(h.t.Context(), system, directory.UserRef(ref), false)
	if err != nil {
		h.t.Fatalf("MemberOf(%s): %v", ref, err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.Group.Name)
	}
	return names
}

// login checks a password as a logon does, at the directory: the core
// answers a disabled or locked account as a wrong password, and these
// tests look at the account's state.
func (h *harness) login(username, password string) (*directory.User, error) {
	return h.env.Dir.VerifyPassword(h.t.Context(), directory.ByName(username), password)
}

// noSecretsLeaked fails the test when a password appears in the logs or
// the audit log.
func (h *harness) noSecretsLeaked(secrets ...string) {
	h.t.Helper()
	for _, s := range secrets {
		if strings.Contains(h.env.Output(), s) {
			h.t.Errorf("secret %q appears in the logs", s)
		}
	}
}

// noPasswordIn fails the test when an answer has a password field or
// shows the password itself.
func noPasswordIn(t *testing.T, raw, password string) {
	t.Helper()
	if strings.Contains(raw, password) {
		t.Errorf("the answer shows the password: %s", raw)
	}
	var walk func(v any)
	walk = func(v any) {
		switch t2 := v.(type) {
		case map[string]any:
			for k, e := range t2 {
				switch strings.ToLower(k) {
				case "password", "userpassword", "unicodepwd", "passwordhash":
					t.Errorf("the answer has a %s field: %s", k, raw)
				}
				walk(e)
			}
		case []any:
			for _, e := range t2 {
				walk(e)
			}
		}
	}
	var v any
	_ = json.Unmarshal([]byte(raw), &v)
	walk(v)
}

// jsonBody renders v as a request body.
func jsonBody(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
