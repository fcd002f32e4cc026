package authmatrix_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/console"
	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// consoleEndpoints: the web console's pages and data need an admin's
// session; its login, its static files and the API reference are public.
func (e *env) consoleEndpoints() []*endpoint {
	var eps []*endpoint
	get := func(path string) func(t *testing.T) *http.Request {
		return func(t *testing.T) *http.Request { return e.req(t, http.MethodGet, e.s.URL+path, "") }
	}
	for _, p := range []string{"/console/", "/console/health", "/console/audit", "/console/audit/results",
		"/console/migration/table", "/console/migration/chart.json"} {
		eps = append(eps, &endpoint{on: onMain, dialect: "console", method: http.MethodGet, path: p, admin: true, build: get(p)})
	}
	eps = append(eps, &endpoint{on: onMain, dialect: "console", method: http.MethodPost, path: "/console/logout", write: true, admin: true,
		build: func(t *testing.T) *http.Request { return e.req(t, http.MethodPost, e.s.URL+"/console/logout", "") }})

	servesPage := func(want string) func(*testing.T, hostile.Reply) {
		return func(t *testing.T, r hostile.Reply) {
			t.Helper()
			if r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(want)) {
				t.Errorf("HTTP %d, want 200 with %q:\n%.300s", r.Status, want, r.Body)
			}
		}
	}
	for _, pub := range []struct{ path, concrete, want, why string }{
		{"/console", "/console", `action="/console/login"`, "redirects to the console, hence to the login"},
		{"/console/login", "/console/login", `action="/console/login"`, "the login form"},
		{"/console/assets/*", "/console/assets/console.css", "CSP", "the console's own style sheet and scripts"},
		{"/api/docs", "/api/docs", `id="swagger-ui"`, "the API reference, like the document it renders"},
		{"/api/docs/", "/api/docs/", `id="swagger-ui"`, "the API reference"},
		{"/api/docs/openapi.json", "/api/docs/openapi.json", `"openapi"`, "the OpenAPI document the dialect serves too"},
		{"/api/docs/scim.json", "/api/docs/scim.json", `"/Users/{id}"`, "the SCIM dialect's OpenAPI document: routes and schemas, no data"},
	} {
		eps = append(eps, &endpoint{on: onMain, dialect: "console", method: http.MethodGet, path: pub.path,
			public: pub.why, build: get(pub.concrete), allowed: map[cred]func(*testing.T, hostile.Reply){credNone: servesPage(pub.want)}})
	}
	eps = append(eps, &endpoint{on: onMain, dialect: "console", method: http.MethodPost, path: "/console/login",
		public: "the login: a password, from the console's own origin only",
		build: func(t *testing.T) *http.Request {
			req := e.req(t, http.MethodPost, e.s.URL+"/console/login", "username=root&password=wrong")
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req
		},
		allowed: map[cred]func(*testing.T, hostile.Reply){credNone: func(t *testing.T, r hostile.Reply) {
			t.Helper()
			// No Origin: refused before any password work, and no cookie.
			if r.Status != http.StatusForbidden || r.Header.Get("Set-Cookie") != "" {
				t.Errorf("POST /console/login from no origin: HTTP %d, cookie %q; want 403 and none", r.Status, r.Header.Get("Set-Cookie"))
			}
		}}})
	return eps
}

// consoleScheme: the session cookie. Refused, a page leads to the login
// form (the client follows the redirect), data is 401, a POST 403.
func (e *env) consoleScheme() scheme {
	session := func(secret, id, name string, expires time.Time) string {
		v, err := console.SignSession(secret, hostile.Domain, id, name, expires)
		if err != nil {
			panic(err)
		}
		return v
	}
	return scheme{
		apply: func(req *http.Request, c cred) bool {
			var value string
			switch c {
			case credNone:
				return true
			case credWrong:
				value = "eyJzdWIiOiJub2JvZHkifQ.bm90LWEtc2lnbmF0dXJl"
			case credForged:
				value = session("another-secret-of-at-least-32-bytes!", e.rootID, "root", time.Now().Add(time.Hour))
			case credExpired:
				value = session(e.s.ConsoleSecret, e.rootID, "root", time.Now().Add(-time.Minute))
			case credOther:
				// A valid session of a user who is no admin.
				value = session(e.s.ConsoleSecret, e.aliceID, "alice", time.Now().Add(time.Hour))
			default:
				return false
			}
			req.AddCookie(&http.Cookie{Name: console.CookieName, Value: value})
			return true
		},
		refused: func(t *testing.T, ep *endpoint, c cred, r hostile.Reply) {
			t.Helper()
			switch {
			case ep.method == http.MethodPost:
				if r.Status != http.StatusForbidden {
					t.Errorf("%s with %s: HTTP %d, want 403", ep, c, r.Status)
				}
			case strings.HasSuffix(ep.path, ".json"):
				if r.Status != http.StatusUnauthorized {
					t.Errorf("%s with %s: HTTP %d, want 401", ep, c, r.Status)
				}
			case r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(`action="/console/login"`)):
				t.Errorf("%s with %s: HTTP %d, want the login form:\n%.300s", ep, c, r.Status, r.Body)
			}
		},
	}
}

// TestConsoleSessionOverLDAP is the matrix's positive control on a real
// directory: an admin logs in through the console's form (the core's
// logon over slapd), the session reads the account by entryUUID and its
// nested group membership at each request, and a plain user's correct
// password gets no session. Once the admin leaves the admin group, the
// same cookie is refused.
func TestConsoleSessionOverLDAP(t *testing.T) {
	s := hostile.Start(t)
	login := func(a hostile.Account) hostile.Reply {
		req := (&env{s: s}).req(t, http.MethodPost, s.URL+"/console/login",
			"username="+url.QueryEscape(a.Username)+"&password="+url.QueryEscape(a.Password))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.URL)
		return s.Do(t, false, req)
	}
	if r := login(hostile.Alice); r.Status != http.StatusUnauthorized || r.Header.Get("Set-Cookie") != "" {
		t.Errorf("a plain user's login: HTTP %d, cookie %q; want 401 and none", r.Status, r.Header.Get("Set-Cookie"))
	}
	// The client follows the redirect to /console/, which needs the
	// cookie: read it off the login's answer instead.
	noRedirect := *s.HTTP
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req := (&env{s: s}).req(t, http.MethodPost, s.URL+"/console/login",
		"username="+hostile.Root.Username+"&password="+url.QueryEscape(hostile.Root.Password))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.URL)
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == console.CookieName {
			session = c
		}
	}
	if resp.StatusCode != http.StatusSeeOther || session == nil {
		t.Fatalf("the admin's login: HTTP %d, cookies %v", resp.StatusCode, resp.Cookies())
	}
	health := func() hostile.Reply {
		req := (&env{s: s}).req(t, http.MethodGet, s.URL+"/console/health", "")
		req.AddCookie(session)
		return s.Do(t, false, req)
	}
	if r := health(); r.Status != http.StatusOK || !bytes.Contains(r.Body, []byte(`id="domains"`)) || !bytes.Contains(r.Body, []byte("ldap://")) {
		t.Fatalf("the admin's session: HTTP %d:\n%.500s", r.Status, r.Body)
	}
	conn := s.LDAP.Dial(t)
	mod := ldap.NewModifyRequest("cn="+hostile.AdminGroup+","+hostile.GroupsDN, nil)
	mod.Delete("member", []string{hostile.Root.DN()})
	if err := conn.Modify(mod); err != nil {
		t.Fatalf("take root out of %s: %v", hostile.AdminGroup, err)
	}
	if r := health(); bytes.Contains(r.Body, []byte(`id="domains"`)) || !bytes.Contains(r.Body, []byte(`action="/console/login"`)) {
		t.Errorf("the demoted admin's session is still served: HTTP %d:\n%.300s", r.Status, r.Body)
	}
	s.CheckNoPanic(t)
}
