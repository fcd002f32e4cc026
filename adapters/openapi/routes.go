package openapi

import (
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

// access is who may call a route.
type access int

const (
	public        access = iota // no token (login, password change, invitations)
	authenticated               // any valid token: /users/me… and password endpoints
	adminOnly                   // a token of an admin
)

type route struct {
	method string
	path   string
	access access
	h      handler
}

// routes is the dialect's whole surface, in the order of the OpenAPI
// document. "me" routes act on the token's own user.
func (d *Dialect) routes() []route {
	return []route{
		{http.MethodGet, "/openapi.json", public, d.serveDocument},
		{http.MethodPost, "/login", public, d.login},
		{http.MethodPost, "/login/impersonate", adminOnly, d.impersonate},
		{http.MethodPost, "/password/change", public, d.changeExpiredPassword},
		{http.MethodPost, "/password/validate", public, d.validateNewPassword},
		{http.MethodPost, "/invitations", adminOnly, d.invite},
		{http.MethodPost, "/invitations/accept", public, d.acceptInvitation},
		{http.MethodPost, "/invitations/userNameAvailability", public, d.userNameAvailability},

		{http.MethodGet, "/users/me", authenticated, d.getUser},
		{http.MethodGet, "/users/me/groups", authenticated, d.userGroups},
		{http.MethodGet, "/users/me/osUser", authenticated, d.osUser},
		{http.MethodPost, "/users/me/password/validate", authenticated, d.validateUserPassword},
		{http.MethodPut, "/users/me/password", authenticated, d.changeOwnPassword},

		{http.MethodGet, "/users", adminOnly, d.listUsers},
		{http.MethodPost, "/users", adminOnly, d.createUser},
		{http.MethodGet, "/users/:userId", adminOnly, d.getUser},
		{http.MethodPut, "/users/:userId", adminOnly, d.updateUser},
		{http.MethodPatch, "/users/:userId", adminOnly, d.patchUser},
		{http.MethodDelete, "/users/:userId", adminOnly, d.deleteUser},
		{http.MethodGet, "/users/:userId/groups", adminOnly, d.userGroups},
		{http.MethodGet, "/users/:userId/osUser", adminOnly, d.osUser},
		{http.MethodPut, "/users/:userId/password", adminOnly, d.setPassword},
		{http.MethodPost, "/users/:userId/password/validate", adminOnly, d.validateUserPassword},
		{http.MethodDelete, "/users/:userId/logonFailures", adminOnly, d.clearLogonFailures},

		{http.MethodGet, "/groups", adminOnly, d.listGroups},
		{http.MethodPost, "/groups", adminOnly, d.createGroup},
		{http.MethodGet, "/groups/:groupId", adminOnly, d.getGroup},
		{http.MethodPut, "/groups/:groupId", adminOnly, d.replaceGroup},
		{http.MethodPatch, "/groups/:groupId", adminOnly, d.patchGroup},
		{http.MethodDelete, "/groups/:groupId", adminOnly, d.deleteGroup},
		{http.MethodGet, "/groups/:groupId/members", adminOnly, d.groupMembers},
		{http.MethodPatch, "/groups/:groupId/members", adminOnly, d.changeMembers},
		{http.MethodGet, "/groups/:groupId/groups", adminOnly, d.groupGroups},

		{http.MethodGet, "/principals", adminOnly, d.listPrincipals},
		{http.MethodGet, "/principals/:principalId/groups", adminOnly, d.principalGroups},
	}
}

// Mount registers the routes under g. Every path also answers the methods
// it does not serve with 405 in the dialect's envelope, and unknown paths
// under the prefix with 404, so no answer there has another shape. (At the
// root the other dialects' paths live beside ours: unknown paths are left
// to the server.)
func (d *Dialect) Mount(g *echo.Group, _ dialect.Listener) {
	routes := d.routes()
	allowed := map[string][]string{}
	var paths []string
	for _, r := range routes {
		if _, seen := allowed[r.path]; !seen {
			paths = append(paths, r.path)
		}
		allowed[r.path] = append(allowed[r.path], r.method)
	}
	for _, p := range paths {
		g.Any(p, d.endpoint(methodNotAllowed(allowed[p])))
	}
	prefix := ""
	for i, r := range routes {
		added := g.Add(r.method, r.path, d.endpoint(d.guard(r.access, r.h)))
		if i == 0 {
			prefix = strings.TrimSuffix(added.Path, r.path)
		}
	}
	if prefix != "" {
		g.RouteNotFound("/*", d.endpoint(func(c echo.Context) error {
			return notFound("no such endpoint: %s %s", c.Request().Method, c.Request().URL.Path)
		}))
	}
}

func methodNotAllowed(methods []string) handler {
	allow := strings.Join(slices.Sorted(slices.Values(methods)), ", ")
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderAllow, allow)
		return newError(http.StatusMethodNotAllowed, "method %s is not allowed here; allowed: %s", c.Request().Method, allow)
	}
}

// guard authenticates the request as its route requires.
func (d *Dialect) guard(a access, h handler) handler {
	switch a {
	case authenticated:
		return func(c echo.Context) error {
			if err := d.authenticate(c); err != nil {
				return err
			}
			return h(c)
		}
	case adminOnly:
		return func(c echo.Context) error {
			if err := d.authenticate(c); err != nil {
				return err
			}
			if !sessionOf(c).admin {
				return forbidden("this endpoint is for administrators")
			}
			return h(c)
		}
	default:
		return h
	}
}
