package console

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/internal/throttle"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

const (
	testSecret   = "a-console-secret-of-at-least-32-bytes!"
	testPassword = "Correct-Horse-42"
	testOrigin   = "http://console.test"
)

// consoleEnv is a console over an in-process core with one admin, alice,
// in dirgate-admins, and one plain user, bob.
type consoleEnv struct {
	env *inproc.Env
	con *Console
	e   *echo.Echo
}

func newConsoleEnv(t *testing.T) *consoleEnv {
	t.Helper()
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, "dc=example,dc=com")
	ctx := t.Context()
	if _, err := env.Domain.CreateGroup(ctx, inproc.System, directory.NewGroup{Name: "dirgate-admins"}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"alice", "bob"} {
		if _, err := env.Domain.CreateUser(ctx, inproc.System, directory.NewUser{Username: name, GivenName: name, Surname: "T", Password: testPassword}); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Domain.AddMember(ctx, inproc.System, directory.ByName("dirgate-admins"), directory.UserRef(directory.ByName("alice"))); err != nil {
		t.Fatal(err)
	}
	con, err := New(Options{
		Core: env.Core, Recorder: NewRecorder(10), Audit: NewAuditRing(10), Log: env.Log, Version: "test",
		SessionSecret: testSecret, SessionLifetime: time.Hour, AdminGroups: []string{"dirgate-admins"},
		RetireAfter: 24 * time.Hour, Dialects: []string{"adweb"},
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	con.Mount(e)
	return &consoleEnv{env: env, con: con, e: e}
}

func (ce *consoleEnv) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	ce.e.ServeHTTP(w, r)
	return w
}

// login posts the form and returns the answer.
func (ce *consoleEnv) login(user, password string, edit ...func(*http.Request)) *httptest.ResponseRecorder {
	form := url.Values{"username": {user}, "password": {password}}
	r := httptest.NewRequest(http.MethodPost, "http://console.test/console/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Origin", testOrigin)
	for _, f := range edit {
		f(r)
	}
	return ce.do(r)
}

// session logs alice in and returns her cookie.
func (ce *consoleEnv) session(t *testing.T) *http.Cookie {
	t.Helper()
	w := ce.login("alice", testPassword)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("login: %d %s", w.Code, w.Body)
	}
	for _, c := range w.Result().Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	t.Fatal("login set no session cookie")
	return nil
}

// get asks for the migration page with a cookie value; true when served.
func (ce *consoleEnv) get(t *testing.T, value string) bool {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://console.test/console/", nil)
	if value != "" {
		r.AddCookie(&http.Cookie{Name: CookieName, Value: value})
	}
	w := ce.do(r)
	switch w.Code {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, "/console/login") {
			t.Fatalf("refused to %q, want the login", loc)
		}
		return false
	}
	t.Fatalf("GET /console/: %d %s", w.Code, w.Body)
	return false
}

func TestSessionCookie(t *testing.T) {
	ce := newConsoleEnv(t)
	c := ce.session(t)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/console/" {
		t.Errorf("cookie %+v: want HttpOnly, SameSite=Strict, not Secure over plain http, Path /console/", c)
	}
	if !ce.get(t, c.Value) {
		t.Fatal("a fresh session is refused")
	}
	if ce.get(t, "") {
		t.Error("no cookie is served")
	}
	// Secure when the request came over TLS or from a trusted proxy that
	// says https; an untrusted peer's header changes nothing.
	for _, tc := range []struct {
		name   string
		edit   func(*http.Request)
		secure bool
	}{
		{"tls", func(r *http.Request) { r.TLS = &tls.ConnectionState{} }, true},
		{"trusted proxy", func(r *http.Request) { r.RemoteAddr = "192.0.2.1:4000"; r.Header.Set("X-Forwarded-Proto", "https") }, true},
		{"untrusted peer", func(r *http.Request) { r.RemoteAddr = "198.51.100.9:4000"; r.Header.Set("X-Forwarded-Proto", "https") }, false},
	} {
		w := ce.login("alice", testPassword, tc.edit)
		cookies := w.Result().Cookies()
		if w.Code != http.StatusSeeOther || len(cookies) != 1 || cookies[0].Secure != tc.secure {
			t.Errorf("%s: %d, cookies %+v; want Secure=%v", tc.name, w.Code, cookies, tc.secure)
		}
	}
}

// TestSessionTamperedRefused: a cookie whose payload was changed, or that
// another secret signed, is no session.
func TestSessionTamperedRefused(t *testing.T) {
	ce := newConsoleEnv(t)
	value := ce.session(t).Value
	payload, sig, _ := strings.Cut(value, ".")
	raw, _ := b64.DecodeString(payload)
	// Point the session at bob, keeping the signature.
	forged := b64.EncodeToString([]byte(strings.Replace(string(raw), `"name":"alice"`, `"name":"bob"`, 1))) + "." + sig
	other, _, err := newSessions(strings.Repeat("x", 40), time.Hour).issue("example.com", "whatever", "alice")
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{
		"payload changed": forged, "signature cut": payload + "." + sig[:10], "no signature": payload,
		"another secret": other, "garbage": "%%%.###",
	} {
		if ce.get(t, v) {
			t.Errorf("%s: served", name)
		}
	}
}

func TestSessionExpiredRefused(t *testing.T) {
	ce := newConsoleEnv(t)
	value := ce.session(t).Value
	ce.con.sessions.now = func() time.Time { return time.Now().Add(time.Hour + time.Second) }
	if ce.get(t, value) {
		t.Error("an expired session is served")
	}
}

// TestSessionDiesWithItsAuthority: the account is read at every request;
// out of the admin group, disabled, or deleted, the session is refused.
func TestSessionDiesWithItsAuthority(t *testing.T) {
	ctx := t.Context()
	for name, change := range map[string]func(*identity.Domain) error{
		"demoted": func(d *identity.Domain) error {
			return d.RemoveMember(ctx, inproc.System, directory.ByName("dirgate-admins"), directory.UserRef(directory.ByName("alice")))
		},
		"disabled": func(d *identity.Domain) error {
			return d.SetEnabled(ctx, inproc.System, directory.ByName("alice"), false)
		},
		"deleted": func(d *identity.Domain) error { return d.DeleteUser(ctx, inproc.System, directory.ByName("alice")) },
	} {
		t.Run(name, func(t *testing.T) {
			ce := newConsoleEnv(t)
			value := ce.session(t).Value
			if err := change(ce.env.Domain); err != nil {
				t.Fatal(err)
			}
			if ce.get(t, value) {
				t.Error("the session outlives its authority")
			}
		})
	}
}

// TestLoginRefusals: a wrong password and a valid non-admin get the same
// answer; a form from another origin is refused before any password work.
func TestLoginRefusals(t *testing.T) {
	ce := newConsoleEnv(t)
	wrong := ce.login("alice", "nope-nope-nope")
	plain := ce.login("bob", testPassword)
	for name, w := range map[string]*httptest.ResponseRecorder{"wrong password": wrong, "not an admin": plain} {
		if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "not a gateway administrator") || len(w.Result().Cookies()) != 0 {
			t.Errorf("%s: %d, cookies %v", name, w.Code, w.Result().Cookies())
		}
	}
	cross := ce.login("alice", testPassword, func(r *http.Request) { r.Header.Set("Origin", "http://evil.test") })
	noOrigin := ce.login("alice", testPassword, func(r *http.Request) { r.Header.Del("Origin") })
	for name, w := range map[string]*httptest.ResponseRecorder{"cross-origin": cross, "no origin": noOrigin} {
		if w.Code != http.StatusForbidden || len(w.Result().Cookies()) != 0 {
			t.Errorf("%s: %d, want 403 and no cookie", name, w.Code)
		}
	}
}

// TestLogoutNeedsCSRF: a POST with the session cookie but without the
// session's CSRF token is refused.
func TestLogoutNeedsCSRF(t *testing.T) {
	ce := newConsoleEnv(t)
	c := ce.session(t)
	post := func(token string) int {
		r := httptest.NewRequest(http.MethodPost, "http://console.test/console/logout", strings.NewReader(url.Values{"csrf": {token}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Origin", testOrigin)
		r.AddCookie(c)
		return ce.do(r).Code
	}
	cl, err := ce.con.sessions.verify(c.Value)
	if err != nil {
		t.Fatal(err)
	}
	if got := post(""); got != http.StatusForbidden {
		t.Errorf("no token: %d", got)
	}
	_, otherClaims, _ := ce.con.sessions.issue("example.com", cl.ID, "alice")
	if got := post(ce.con.sessions.csrf(otherClaims)); got != http.StatusForbidden {
		t.Errorf("another session's token: %d", got)
	}
	if got := post(ce.con.sessions.csrf(cl)); got != http.StatusSeeOther {
		t.Errorf("the session's token: %d", got)
	}
}

// TestPagesCarryTheCSP: every console answer, the login included, runs
// only the console's own files.
func TestPagesCarryTheCSP(t *testing.T) {
	ce := newConsoleEnv(t)
	for _, path := range []string{"/console/login", "/console/", "/console/assets/console.js"} {
		w := ce.do(httptest.NewRequest(http.MethodGet, "http://console.test"+path, nil))
		if csp := w.Header().Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'self';") || strings.Contains(csp, "unsafe") {
			t.Errorf("%s: CSP %q", path, csp)
		}
	}
}

// TestLoginIsThrottled: the console's login is the core's, so the
// throttle counts its failures and refuses the next try, even with the
// right password, with 429 and Retry-After.
func TestLoginIsThrottled(t *testing.T) {
	ce := newConsoleEnv(t)
	ce.env.Core.SetThrottle(throttle.New(throttle.Config{
		PerAccountAddress: throttle.Limit{Failures: 2, Refill: time.Hour}, MaxTracked: 100,
	}))
	for i := range 2 {
		if w := ce.login("alice", "wrong-password-"+strconv.Itoa(i)); w.Code != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i, w.Code)
		}
	}
	w := ce.login("alice", testPassword)
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || len(w.Result().Cookies()) != 0 {
		t.Errorf("after the budget: %d, Retry-After %q, cookies %v; want 429, a Retry-After and no session",
			w.Code, w.Header().Get("Retry-After"), w.Result().Cookies())
	}
}
