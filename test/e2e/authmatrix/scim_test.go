package authmatrix_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// scimRoute is one SCIM route and a request that would succeed with a
// full-access token.
type scimRoute struct {
	method, path   string // path under /scim/v2, with the router's :params
	concrete, body string
	// write: a read-only token must be refused. scoped: a token limited
	// to another subtree must be refused (the entry lies outside it).
	write, scoped bool
}

func (e *env) scimRoutes() []scimRoute {
	bob, staff := "/Users/"+e.bobID, "/Groups/"+e.staffID
	search := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],"filter":"userName pr"}`
	patch := func(path, value string) string {
		return `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"` + path + `","value":"` + value + `"}]}`
	}
	return []scimRoute{
		{http.MethodGet, "/ServiceProviderConfig", "/ServiceProviderConfig", "", false, false},
		{http.MethodGet, "/ResourceTypes", "/ResourceTypes", "", false, false},
		{http.MethodGet, "/ResourceTypes/:id", "/ResourceTypes/User", "", false, false},
		{http.MethodGet, "/Schemas", "/Schemas", "", false, false},
		{http.MethodGet, "/Schemas/:id", "/Schemas/" + url.PathEscape("urn:ietf:params:scim:schemas:core:2.0:User"), "", false, false},

		{http.MethodGet, "/Users", "/Users", "", false, false},
		{http.MethodPost, "/Users/.search", "/Users/.search", search, false, false},
		{http.MethodPost, "/Users", "/Users", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"matrix-new"}`, true, false},
		{http.MethodGet, "/Users/:id", bob, "", false, true},
		{http.MethodPut, "/Users/:id", bob, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob","title":"changed"}`, true, true},
		{http.MethodPatch, "/Users/:id", bob, patch("title", "changed"), true, true},
		{http.MethodDelete, "/Users/:id", bob, "", true, true},

		{http.MethodGet, "/Groups", "/Groups", "", false, false},
		{http.MethodPost, "/Groups/.search", "/Groups/.search", search, false, false},
		{http.MethodPost, "/Groups", "/Groups", `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"matrix-group"}`, true, false},
		{http.MethodGet, "/Groups/:id", staff, "", false, true},
		{http.MethodPut, "/Groups/:id", staff, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"staff-renamed"}`, true, true},
		{http.MethodPatch, "/Groups/:id", staff, patch("displayName", "staff-renamed"), true, true},
		{http.MethodDelete, "/Groups/:id", staff, "", true, true},

		// Answered 501 once authenticated: only the token is probed.
		{http.MethodPost, "/Bulk", "/Bulk", `{}`, false, false},
		{http.MethodGet, "/Me", "/Me", "", false, false},
	}
}

// scimEndpoints: every route needs a bearer token; a read-only token
// only reads, a token limited to another subtree does not reach bob or
// staff. A token that may create would create into its own subtree, so
// creates are not probed with it.
func (e *env) scimEndpoints() []*endpoint {
	var eps []*endpoint
	for _, r := range e.scimRoutes() {
		eps = append(eps, &endpoint{on: onMain, dialect: "scim", method: r.method, path: "/scim/v2" + r.path,
			write: r.write, admin: r.scoped,
			build: func(t *testing.T) *http.Request {
				req := e.req(t, r.method, e.s.URL+"/scim/v2"+r.concrete, r.body)
				if r.body != "" {
					req.Header.Set("Content-Type", "application/scim+json")
				}
				return req
			}})
	}
	return eps
}

// scim: a bearer token; 401 with WWW-Authenticate: Bearer, 403, both in
// SCIM's error body (status as a string).
func (e *env) scim() scheme {
	return scheme{
		apply: func(req *http.Request, c cred) bool {
			var tok string
			switch c {
			case credNone:
				return true
			case credWrong:
				tok = e.s.SCIMAdmin + "x"
			case credReadOnly:
				tok = e.s.SCIMReader
			case credOther:
				tok = e.s.SCIMScoped
			default:
				return false
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			return true
		},
		refused: func(t *testing.T, ep *endpoint, c cred, r hostile.Reply) {
			t.Helper()
			status := http.StatusUnauthorized
			if c == credReadOnly || c == credOther {
				status = http.StatusForbidden
			}
			if !scimError(r, status) {
				t.Errorf("%s with %s: HTTP %d %s, want %d in SCIM's error body", ep, c, r.Status, r.Body, status)
			}
			if status == http.StatusUnauthorized && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s with %s: WWW-Authenticate %q", ep, c, r.Header.Get("WWW-Authenticate"))
			}
		},
	}
}

// scimError reports whether r is SCIM's error body with that status.
func scimError(r hostile.Reply, status int) bool {
	var env struct {
		Schemas []string `json:"schemas"`
		Status  string   `json:"status"`
		Detail  string   `json:"detail"`
	}
	return r.Status == status && json.Unmarshal(r.Body, &env) == nil && len(env.Schemas) == 1 &&
		env.Schemas[0] == "urn:ietf:params:scim:api:messages:2.0:Error" && env.Status == itoa(status) && env.Detail != ""
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// scimFallbacks: a method a path does not serve asks for the token first
// (401) and is 405 with one; an unknown path under /scim/v2 is 404; all in
// SCIM's error body.
func (e *env) scimFallbacks() []*fallback {
	check := func(want ...int) func(*testing.T, string, hostile.Reply) {
		return func(t *testing.T, method string, r hostile.Reply) {
			for _, w := range want {
				if r.Status == w && (method == http.MethodHead || scimError(r, w)) {
					return
				}
			}
			t.Errorf("scim %s: HTTP %d %s, want %v in SCIM's error body", method, r.Status, r.Body, want)
		}
	}
	seen := map[string]bool{}
	out := []*fallback{{on: onMain, dialect: "scim", path: "/scim/v2/*", concrete: "/scim/v2/no/such/thing", check: check(http.StatusNotFound)}}
	for _, r := range e.scimRoutes() {
		if !seen[r.path] {
			seen[r.path] = true
			out = append(out, &fallback{on: onMain, dialect: "scim", path: "/scim/v2" + r.path, concrete: "/scim/v2" + r.concrete,
				check: check(http.StatusUnauthorized)})
		}
	}
	return out
}
