package authmatrix_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// Listener kinds of the stack.
const (
	onMain       = "main"
	onArticaTCP  = "artica-tcp"
	onArticaUnix = "artica-unix"
)

// endpoint is one row of the matrix: a route (or a self-dispatched name)
// and a request that would succeed with the right credentials.
type endpoint struct {
	on, dialect, method string
	// path is the router's pattern; for AD-web "/restapi/<endpoint>", for
	// Kanboard "<path> <procedure>".
	path string
	// public says why the endpoint takes no credentials ("" when it does).
	public string
	// write: read-only credentials must be refused. admin: a valid
	// credential of someone else (a plain user, a key limited to another
	// subtree) must be refused.
	write, admin bool
	build        func(t *testing.T) *http.Request
	// allowed holds the checks of credential kinds that are accepted by
	// design, with what they may do (a privacyIDEA user token acts on its
	// own entry only).
	allowed map[cred]func(t *testing.T, r hostile.Reply)
}

func (ep *endpoint) String() string { return ep.on + " " + ep.method + " " + ep.path }

// fallback covers the methods of a path that no endpoint serves (echo's
// Any and route-not-found registrations): they must answer without doing
// anything, whatever the credentials.
type fallback struct {
	on, dialect, path string
	// concrete is a request path the pattern matches.
	concrete string
	check    func(t *testing.T, method string, r hostile.Reply)
}

// matrix is every endpoint of every dialect.
func (e *env) matrix() ([]*endpoint, []*fallback) {
	var eps []*endpoint
	for _, f := range []func() []*endpoint{e.articaEndpoints, e.adwebEndpoints, e.privacyIDEAEndpoints, e.kanboardEndpoints, e.openAPIEndpoints, e.scimEndpoints, e.serverEndpoints, e.consoleEndpoints} {
		eps = append(eps, f()...)
	}
	fbs := append(append(append(e.articaFallbacks(), e.openAPIFallbacks()...), e.privacyIDEAFallbacks()...), e.scimFallbacks()...)
	return eps, append(fbs, e.serverFallbacks()...)
}

// serverFallbacks: every listener answers GET / with the list of what it
// serves, and a path no route takes with a neutral JSON 404; neither reads
// an entry, whatever the credentials.
func (e *env) serverFallbacks() []*fallback {
	landing := func(t *testing.T, method string, r hostile.Reply) {
		var l struct{ Dialects []any }
		switch {
		case method == http.MethodGet:
			if r.Status != http.StatusOK || json.Unmarshal(r.Body, &l) != nil || len(l.Dialects) == 0 {
				t.Errorf("GET /: HTTP %d %s, want the list of dialects", r.Status, r.Body)
			}
		case r.Status != http.StatusMethodNotAllowed:
			t.Errorf("%s /: HTTP %d %s, want 405", method, r.Status, r.Body)
		}
	}
	notFound := func(t *testing.T, method string, r hostile.Reply) {
		var body map[string]string
		if r.Status != http.StatusNotFound || method != http.MethodHead &&
			(json.Unmarshal(r.Body, &body) != nil || body["error"] != "not found" || body["docs"] == "") {
			t.Errorf("%s on a path no route takes: HTTP %d %s, want the neutral 404", method, r.Status, r.Body)
		}
	}
	var out []*fallback
	for _, on := range []string{onMain, onArticaTCP, onArticaUnix} {
		out = append(out,
			&fallback{on: on, dialect: "server", path: "/", concrete: "/", check: landing},
			&fallback{on: on, dialect: "server", path: "/*", concrete: "/no/such/path", check: notFound})
	}
	return out
}

func (e *env) serverEndpoints() []*endpoint {
	var eps []*endpoint
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		eps = append(eps, &endpoint{on: onMain, dialect: "server", method: http.MethodGet, path: p,
			public: "health, readiness and metrics for orchestrators and scrapers; they read no entry",
			build:  func(t *testing.T) *http.Request { return e.req(t, http.MethodGet, e.s.URL+p, "") }})
	}
	return eps
}

// articaEndpoints: on TCP every route needs a key; on the unix socket the
// socket's file mode is the access control (checked separately).
func (e *env) articaEndpoints() []*endpoint {
	m := e.articaMember
	type row struct {
		method, path, concrete, body string
		write                        bool
	}
	rows := []row{
		{http.MethodGet, "/ping", "/ping", "", false},
		{http.MethodPost, "/openldap/members", "/openldap/members", `{"login":"matrix-new","password":"Matrix-New-Pw-1","ou":"example.com","gpid":0}`, true},
		{http.MethodGet, "/openldap/members/:uid", "/openldap/members/" + m, "", false},
		{http.MethodPut, "/openldap/members/:uid", "/openldap/members/" + m, `{"title":"changed"}`, true},
		{http.MethodDelete, "/openldap/members/:uid", "/openldap/members/" + m, "", true},
		{http.MethodPost, "/openldap/members/:uid/password", "/openldap/members/" + m + "/password", `{"password":"Matrix-New-Pw-1"}`, true},
		{http.MethodGet, "/openldap/members/:uid/groups", "/openldap/members/" + m + "/groups", "", false},
		{http.MethodGet, "/openldap/groups", "/openldap/groups?ou=example.com", "", false},
		{http.MethodPost, "/openldap/groups", "/openldap/groups", `{"name":"matrix-group","ou":"example.com","uid":"` + m + `"}`, true},
		{http.MethodPost, "/openldap/groups/:gid/members/:uid", "/openldap/groups/" + e.articaGroup + "/members/" + m, "", true},
		{http.MethodDelete, "/openldap/groups/:gid/members/:uid", "/openldap/groups/" + e.articaDefGID + "/members/" + m, "", true},
		{http.MethodGet, "/openldap/ous", "/openldap/ous", "", false},
		{http.MethodGet, "/openldap/status", "/openldap/status", "", false},
		{http.MethodGet, "/openldap/restart", "/openldap/restart", "", true},
		{http.MethodGet, "/openldap/install", "/openldap/install", "", false},
		{http.MethodGet, "/openldap/uninstall", "/openldap/uninstall", "", false},
		{http.MethodGet, "/openldap/backup/now", "/openldap/backup/now", "", false},
		{http.MethodGet, "/openldap/backup/instant", "/openldap/backup/instant", "", false},
		{http.MethodGet, "/openldap/backup/import/:filename", "/openldap/backup/import/Save-2000-01-01.gz", "", true},
		{http.MethodGet, "/openldap/set/schedule", "/openldap/set/schedule", "", true},
	}
	var eps []*endpoint
	for _, r := range rows {
		eps = append(eps,
			&endpoint{on: onArticaTCP, dialect: "artica", method: r.method, path: r.path, write: r.write,
				build: func(t *testing.T) *http.Request {
					return e.req(t, r.method, "http://"+e.s.ArticaTCP+r.concrete, r.body)
				}},
			&endpoint{on: onArticaUnix, dialect: "artica", method: r.method, path: r.path,
				public: "the unix socket's file mode is the access control (checked: 0600, owned by dirgate's user)"})
	}
	return eps
}

// privacyIDEAFallbacks: a method a privacyIDEA path does not serve is
// Flask's 405 page (OPTIONS: 200 with Allow), before any token is read.
func (e *env) privacyIDEAFallbacks() []*fallback {
	check := func(t *testing.T, method string, r hostile.Reply) {
		switch {
		case method == http.MethodOptions && r.Status == http.StatusOK:
		case r.Status == http.StatusMethodNotAllowed && (method == http.MethodHead || strings.Contains(string(r.Body), "405 Method Not Allowed")):
		default:
			t.Errorf("privacyidea %s: HTTP %d %s, want Flask's 405", method, r.Status, r.Body)
		}
	}
	var out []*fallback
	for path, concrete := range map[string]string{"/auth": "/auth", "/user": "/user", "/user/": "/user/",
		"/user/:resolver/:username": "/user/people/bob"} {
		out = append(out, &fallback{on: onMain, dialect: "privacyidea", path: path, concrete: concrete, check: check})
	}
	return out
}

func (e *env) articaFallbacks() []*fallback {
	unknown := func(t *testing.T, method string, r hostile.Reply) {
		if method == http.MethodHead && r.Status == http.StatusOK {
			return // the envelope's status, without its body
		}
		var env struct {
			Status bool
			Error  string
		}
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &env) != nil || env.Status || !strings.Contains(env.Error, "unknown endpoint") {
			t.Errorf("artica socket %s: HTTP %d %s, want Status false \"unknown endpoint\"", method, r.Status, r.Body)
		}
	}
	keyFirst := func(t *testing.T, method string, r hostile.Reply) {
		if r.Status != http.StatusForbidden || method != http.MethodHead && !strings.Contains(string(r.Body), `"Authentication failed"`) {
			t.Errorf("artica TCP %s without a key: HTTP %d %s, want 403 Authentication failed", method, r.Status, r.Body)
		}
	}
	return []*fallback{
		{on: onArticaUnix, dialect: "artica", path: "/ping", concrete: "/ping", check: unknown},
		{on: onArticaUnix, dialect: "artica", path: "/openldap/*", concrete: "/openldap/nothing", check: unknown},
		{on: onArticaTCP, dialect: "artica", path: "/ping", concrete: "/ping", check: keyFirst},
		{on: onArticaTCP, dialect: "artica", path: "/openldap/*", concrete: "/openldap/nothing", check: keyFirst},
		{on: onArticaTCP, dialect: "artica", path: "/openldap", concrete: "/openldap", check: keyFirst},
	}
}

// adwebEndpoints: every endpoint acts in ou=people, outside the scoped
// key's subtree.
func (e *env) adwebEndpoints() []*endpoint {
	alice := url.QueryEscape(hostile.Alice.DN())
	q := func(s string) string { return "?" + s + "&FQDN=" + hostile.Domain }
	type row struct{ name, method, query, body string }
	rows := []row{
		{"createuser", http.MethodPost, "", `{"createUser":{"SamAccountName":"matrix-new","UserPrincipalName":"matrix-new@example.com","Password":"Matrix-New-Pw-1","ouDN":"` + hostile.PeopleDN + `","FQDN":"example.com"}}`},
		{"createparentou", http.MethodPost, "", `{"newOuName":"matrix-ou","fqdn":"example.com"}`},
		{"createchildou", http.MethodPost, "", `{"parentOuDn":"` + hostile.PeopleDN + `","newChildOuName":"matrix-child","fqdn":"example.com"}`},
		{"moveusertoou", http.MethodPost, "", `{"userDN":"` + hostile.Alice.DN() + `","ouDN":"` + hostile.ScopedDN + `","fqdn":"example.com"}`},
		{"assignusertogroup", http.MethodPost, "", `{"userDN":"` + hostile.Alice.DN() + `","groupDN":"cn=` + hostile.AdminGroup + `,` + hostile.GroupsDN + `","fqdn":"example.com"}`},
		{"updateuser", http.MethodPut, "", `{"updateUser":{"userDN":"` + hostile.Alice.DN() + `","FQDN":"example.com"},"customAttributes":{"title":"changed"}}`},
		{"enableuser", http.MethodPost, "", `{"userDN":"` + hostile.Alice.DN() + `","FQDN":"example.com"}`},
		{"disableuser", http.MethodPost, "", `{"userDN":"` + hostile.Alice.DN() + `","FQDN":"example.com"}`},
		{"unlockuser", http.MethodPut, "", `{"userDN":"` + hostile.Alice.DN() + `","FQDN":"example.com"}`},
		{"passwordreset", http.MethodPut, "", `{"userDN":"` + hostile.Alice.DN() + `","fqdn":"example.com"}`},
		{"getdn", http.MethodPost, q("samAccountName=alice"), ""},
		{"getoumembers", http.MethodPost, q("ouDN=" + url.QueryEscape(hostile.PeopleDN)), ""},
		{"getgroupmembers", http.MethodPost, q("groupDN=" + url.QueryEscape("cn=staff,"+hostile.GroupsDN)), ""},
		{"getusergroupinfo", http.MethodPost, q("userDN=" + alice), ""},
		{"getuserinfo", http.MethodGet, q("userDN=" + alice), ""},
		{"getusers", http.MethodGet, q("ouDN=" + url.QueryEscape(hostile.PeopleDN)), ""},
	}
	var eps []*endpoint
	for _, r := range rows {
		eps = append(eps, &endpoint{on: onMain, dialect: "adweb", method: r.method, path: "/restapi/" + r.name,
			write: !strings.HasPrefix(r.name, "get"), admin: true,
			build: func(t *testing.T) *http.Request {
				return e.req(t, r.method, e.s.URL+"/restapi/"+r.name+r.query, r.body)
			}})
	}
	return eps
}

// privacyIDEAEndpoints: an admin token for everything but POST /auth; a
// user token may list and edit itself only.
func (e *env) privacyIDEAEndpoints() []*endpoint {
	// alice asking for bob gets herself: privacyIDEA overwrites user,
	// realm and resolver with the caller's own.
	onlyAlice := func(t *testing.T, r hostile.Reply) {
		var out struct {
			Result struct {
				Value []struct{ Username string }
			}
		}
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &out) != nil || len(out.Result.Value) != 1 || out.Result.Value[0].Username != "alice" {
			t.Errorf("a user token listing users: HTTP %d %s, want alice's own entry only", r.Status, r.Body)
		}
	}
	// alice's PUT naming bob edits alice (privacyIDEA overwrites user and
	// resolver with the caller's own) with alice's own mail: bob is left
	// alone, which the directory snapshot checks.
	editsSelf := func(t *testing.T, r hostile.Reply) {
		var out struct {
			Result struct{ Value bool }
		}
		if r.Status != http.StatusOK || json.Unmarshal(r.Body, &out) != nil || !out.Result.Value {
			t.Errorf("a user token editing: HTTP %d %s, want its own entry edited (true)", r.Status, r.Body)
		}
	}
	var eps []*endpoint
	for _, p := range []string{"/user", "/user/"} {
		eps = append(eps,
			&endpoint{on: onMain, dialect: "privacyidea", method: http.MethodGet, path: p, admin: true,
				allowed: map[cred]func(*testing.T, hostile.Reply){credOther: onlyAlice},
				build: func(t *testing.T) *http.Request {
					return e.req(t, http.MethodGet, e.s.URL+p+"?realm=corp&username=bob", "")
				}},
			&endpoint{on: onMain, dialect: "privacyidea", method: http.MethodPost, path: p, write: true, admin: true,
				build: func(t *testing.T) *http.Request {
					return e.req(t, http.MethodPost, e.s.URL+p, `{"user":"matrix-new","resolver":"people","password":"Matrix-New-Pw-1"}`)
				}},
			&endpoint{on: onMain, dialect: "privacyidea", method: http.MethodPut, path: p, write: true, admin: true,
				allowed: map[cred]func(*testing.T, hostile.Reply){credOther: editsSelf},
				build: func(t *testing.T) *http.Request {
					return e.req(t, http.MethodPut, e.s.URL+p, `{"user":"bob","resolver":"people","email":"alice@example.com"}`)
				}})
	}
	return append(eps,
		&endpoint{on: onMain, dialect: "privacyidea", method: http.MethodDelete, path: "/user/:resolver/:username", write: true, admin: true,
			build: func(t *testing.T) *http.Request { return e.req(t, http.MethodDelete, e.s.URL+"/user/people/bob", "") }},
		&endpoint{on: onMain, dialect: "privacyidea", method: http.MethodPost, path: "/auth",
			public: "the login itself: a wrong password is refused (checked)",
			build: func(t *testing.T) *http.Request {
				return e.req(t, http.MethodPost, e.s.URL+"/auth", `{"username":"alice","password":"Wrong-Pw-0000"}`)
			},
			allowed: map[cred]func(*testing.T, hostile.Reply){credNone: func(t *testing.T, r hostile.Reply) {
				if r.Status != http.StatusUnauthorized || !strings.Contains(string(r.Body), `"code":4031`) {
					t.Errorf("POST /auth with a wrong password: HTTP %d %s, want 401 code 4031", r.Status, r.Body)
				}
			}}},
	)
}

// kanboardEndpoints: every procedure on both paths; application mode or
// an app-admin may call them, an app-user may not.
func (e *env) kanboardEndpoints() []*endpoint {
	params := map[string]string{
		"createUser":     `{"username":"matrix-new","password":"Matrix-New-Pw-1"}`,
		"createLdapUser": `{"username":"bob"}`,
		"getUser":        `{"user_id":60004}`,
		"getUserByName":  `{"username":"bob"}`,
		"getAllUsers":    `{}`,
		"updateUser":     `{"id":60004,"name":"changed"}`,
		"removeUser":     `{"user_id":60004}`,
		"disableUser":    `{"user_id":60004}`,
		"enableUser":     `{"user_id":60004}`,
		"isActiveUser":   `{"user_id":60004}`,
	}
	var eps []*endpoint
	for _, path := range []string{"/jsonrpc.php", "/jsonrpc"} {
		for proc, p := range params {
			body := `{"jsonrpc":"2.0","method":"` + proc + `","id":1,"params":` + p + `}`
			eps = append(eps, &endpoint{on: onMain, dialect: "kanboard", method: http.MethodPost, path: path + " " + proc,
				write: !strings.HasPrefix(proc, "get") && proc != "isActiveUser", admin: true,
				build: func(t *testing.T) *http.Request { return e.req(t, http.MethodPost, e.s.URL+path, body) }})
		}
	}
	return eps
}
