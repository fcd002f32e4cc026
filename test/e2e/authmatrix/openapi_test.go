package authmatrix_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// openAPIRoute is one OpenAPI route: who may call it and a request that
// would succeed for them.
type openAPIRoute struct {
	method, path   string // path under /api, with the router's :params
	access         string
	concrete, body string
}

// OpenAPI access levels, as the dialect's routes declare them.
const (
	oaPublic = "public"
	oaUser   = "any valid token"
	oaAdmin  = "an admin's token"
)

func (e *env) openAPIRoutes() []openAPIRoute {
	bob, staff := "/users/"+e.bobID, "/groups/"+e.staffID
	return []openAPIRoute{
		{http.MethodGet, "/openapi.json", oaPublic, "/openapi.json", ""},
		{http.MethodPost, "/login", oaPublic, "/login", `{"username":"alice","password":"Wrong-Pw-0000"}`},
		{http.MethodPost, "/login/impersonate", oaAdmin, "/login/impersonate", `{"userId":"` + e.bobID + `"}`},
		{http.MethodPost, "/password/change", oaPublic, "/password/change", `{"username":"alice","currentPassword":"Wrong-Pw-0000","newPassword":"Matrix-New-Pw-1"}`},
		{http.MethodPost, "/password/validate", oaPublic, "/password/validate", `{"password":"Matrix-New-Pw-1"}`},
		{http.MethodPost, "/invitations", oaAdmin, "/invitations", `{"email":"matrix@example.com","userName":"matrix-invited"}`},
		{http.MethodPost, "/invitations/accept", oaPublic, "/invitations/accept", `{"token":"not.a.token","userName":"matrix-new","password":"Matrix-New-Pw-1"}`},
		{http.MethodPost, "/invitations/userNameAvailability", oaPublic, "/invitations/userNameAvailability", `{"token":"not.a.token","userName":"matrix-new"}`},

		{http.MethodGet, "/users/me", oaUser, "/users/me", ""},
		{http.MethodGet, "/users/me/groups", oaUser, "/users/me/groups", ""},
		{http.MethodGet, "/users/me/osUser", oaUser, "/users/me/osUser", ""},
		{http.MethodPost, "/users/me/password/validate", oaUser, "/users/me/password/validate", `{"password":"Matrix-New-Pw-1"}`},
		{http.MethodPut, "/users/me/password", oaUser, "/users/me/password", `{"currentPassword":"` + hostile.Root.Password + `","newPassword":"Matrix-New-Pw-1"}`},

		{http.MethodGet, "/users", oaAdmin, "/users", ""},
		{http.MethodPost, "/users", oaAdmin, "/users", `{"userName":"matrix-new","password":"Matrix-New-Pw-1"}`},
		{http.MethodGet, "/users/:userId", oaAdmin, bob, ""},
		{http.MethodPut, "/users/:userId", oaAdmin, bob, `{"displayName":"changed"}`},
		{http.MethodPatch, "/users/:userId", oaAdmin, bob, `[{"op":"replace","path":"/displayName","value":"changed"}]`},
		{http.MethodDelete, "/users/:userId", oaAdmin, bob, ""},
		{http.MethodGet, "/users/:userId/groups", oaAdmin, bob + "/groups", ""},
		{http.MethodGet, "/users/:userId/osUser", oaAdmin, bob + "/osUser", ""},
		{http.MethodPut, "/users/:userId/password", oaAdmin, bob + "/password", `{"password":"Matrix-New-Pw-1","mustChange":false}`},
		{http.MethodPost, "/users/:userId/password/validate", oaAdmin, bob + "/password/validate", `{"password":"Matrix-New-Pw-1"}`},
		{http.MethodDelete, "/users/:userId/logonFailures", oaAdmin, bob + "/logonFailures", ""},

		{http.MethodGet, "/groups", oaAdmin, "/groups", ""},
		{http.MethodPost, "/groups", oaAdmin, "/groups", `{"name":"matrix-group"}`},
		{http.MethodGet, "/groups/:groupId", oaAdmin, staff, ""},
		{http.MethodPut, "/groups/:groupId", oaAdmin, staff, `{"name":"staff-renamed"}`},
		{http.MethodPatch, "/groups/:groupId", oaAdmin, staff, `[{"op":"replace","path":"/name","value":"staff-renamed"}]`},
		{http.MethodDelete, "/groups/:groupId", oaAdmin, staff, ""},
		{http.MethodGet, "/groups/:groupId/members", oaAdmin, staff + "/members", ""},
		{http.MethodPatch, "/groups/:groupId/members", oaAdmin, staff + "/members", `[{"op":"add","name":"root","principalType":"User"}]`},
		{http.MethodGet, "/groups/:groupId/groups", oaAdmin, staff + "/groups", ""},

		{http.MethodGet, "/principals", oaAdmin, "/principals", ""},
		{http.MethodGet, "/principals/:principalId/groups", oaAdmin, "/principals/" + e.aliceID + "/groups", ""},
	}
}

func (e *env) openAPIEndpoints() []*endpoint {
	var eps []*endpoint
	for _, r := range e.openAPIRoutes() {
		ep := &endpoint{on: onMain, dialect: "openapi", method: r.method, path: "/api" + r.path,
			write: r.method != http.MethodGet, admin: r.access == oaAdmin,
			build: func(t *testing.T) *http.Request {
				req := e.req(t, r.method, e.s.URL+"/api"+r.concrete, r.body)
				if r.method == http.MethodPatch {
					req.Header.Set("Content-Type", "application/json-patch+json")
				}
				return req
			}}
		if r.access == oaPublic {
			ep.public = "tokenless by design; with wrong data it refuses or only reads (checked)"
			ep.allowed = map[cred]func(*testing.T, hostile.Reply){credNone: publicOpenAPI(r.path)}
		}
		eps = append(eps, ep)
	}
	return eps
}

// publicOpenAPI checks what a tokenless endpoint answers the matrix's
// request (wrong passwords, a token that is not an invitation).
func publicOpenAPI(path string) func(*testing.T, hostile.Reply) {
	return func(t *testing.T, r hostile.Reply) {
		t.Helper()
		want := http.StatusUnauthorized
		switch path {
		case "/openapi.json", "/password/validate":
			want = http.StatusOK
		case "/password/change":
			want = http.StatusForbidden
		}
		if r.Status == want {
			return
		}
		if path == "/password/change" && r.Status == http.StatusUnauthorized {
			return
		}
		t.Errorf("tokenless /api%s with the matrix's wrong data: HTTP %d %s, want %d", path, r.Status, r.Body, want)
	}
}

// openAPIFallbacks: a method a path does not serve is 405, an unknown path
// under /api is 404, both in the envelope, before any token is looked at.
func (e *env) openAPIFallbacks() []*fallback {
	check := func(want int) func(*testing.T, string, hostile.Reply) {
		return func(t *testing.T, method string, r hostile.Reply) {
			var env map[string]any
			if method == http.MethodHead {
				if r.Status != want {
					t.Errorf("openapi %s: HTTP %d, want %d", method, r.Status, want)
				}
				return
			}
			if r.Status != want || json.Unmarshal(r.Body, &env) != nil || len(env) != 1 || env["error"] == "" {
				t.Errorf("openapi %s: HTTP %d %s, want %d {\"error\": …}", method, r.Status, r.Body, want)
			}
		}
	}
	seen := map[string]bool{}
	out := []*fallback{{on: onMain, dialect: "openapi", path: "/api/*", concrete: "/api/no/such/thing", check: check(http.StatusNotFound)}}
	for _, r := range e.openAPIRoutes() {
		if !seen[r.path] {
			seen[r.path] = true
			out = append(out, &fallback{on: onMain, dialect: "openapi", path: "/api" + r.path,
				concrete: "/api" + strings.SplitN(r.concrete, "?", 2)[0], check: check(http.StatusMethodNotAllowed)})
		}
	}
	return out
}
