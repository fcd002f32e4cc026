package scim

import (
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Dialect serves SCIM 2.0 over one domain.
type Dialect struct {
	domain *identity.Domain
	tokens *tokenring
	log    *slog.Logger
	// maxResults is the largest page; maxMembers the most members one
	// group answer lists.
	maxResults     int
	maxMembers     int
	changePassword bool
	// schema maps the User schema's attributes to the directory's.
	schema *userSchema
}

// Name is the dialect's configuration key.
func (d *Dialect) Name() string { return Name }

type route struct {
	method string
	path   string
	h      handler
}

// routes is the dialect's whole surface (RFC 7644 section 3.2).
func (d *Dialect) routes() []route {
	return []route{
		{http.MethodGet, "/ServiceProviderConfig", d.serviceProviderConfig},
		{http.MethodGet, "/ResourceTypes", d.resourceTypes},
		{http.MethodGet, "/ResourceTypes/:id", d.resourceType},
		{http.MethodGet, "/Schemas", d.schemas},
		{http.MethodGet, "/Schemas/:id", d.schemaByID},

		{http.MethodGet, "/Users", listing(d.queryUsers)},
		{http.MethodPost, "/Users/.search", searching(d.queryUsers)},
		{http.MethodPost, "/Users", d.createUser},
		{http.MethodGet, "/Users/:id", d.getUser},
		{http.MethodPut, "/Users/:id", d.replaceUser},
		{http.MethodPatch, "/Users/:id", d.patchUser},
		{http.MethodDelete, "/Users/:id", d.deleteUser},

		{http.MethodGet, "/Groups", listing(d.queryGroups)},
		{http.MethodPost, "/Groups/.search", searching(d.queryGroups)},
		{http.MethodPost, "/Groups", d.createGroup},
		{http.MethodGet, "/Groups/:id", d.getGroup},
		{http.MethodPut, "/Groups/:id", d.replaceGroup},
		{http.MethodPatch, "/Groups/:id", d.patchGroup},
		{http.MethodDelete, "/Groups/:id", d.deleteGroup},

		{http.MethodPost, "/Bulk", d.notImplemented("bulk operations are not supported (ServiceProviderConfig bulk.supported is false)")},
		{http.MethodGet, "/Me", d.notImplemented("/Me is not supported: tokens belong to provisioning clients, not users")},
	}
}

// Mount registers the routes under g. Paths answer the methods they do
// not serve with 405, and unknown paths under the prefix with 404, both
// in the SCIM envelope, so no answer under the prefix has another shape.
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
	// The prefix the server mounted the group under, for the resources'
	// locations: what echo made of the first route's path, less the path
	// (set before any request is served).
	prefix := ""
	withPrefix := func(h echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error { c.Set(keyPrefix, prefix); return h(c) }
	}
	for _, p := range paths {
		g.Any(p, withPrefix(d.endpoint(d.guard(methodNotAllowed(allowed[p])))))
	}
	for i, r := range routes {
		added := g.Add(r.method, r.path, withPrefix(d.endpoint(d.guard(r.h))))
		if i == 0 {
			prefix = strings.TrimSuffix(added.Path, r.path)
		}
	}
	g.RouteNotFound("/*", d.endpoint(func(c echo.Context) error {
		return notFound("no such endpoint: %s %s", c.Request().Method, c.Request().URL.Path)
	}))
}

func methodNotAllowed(methods []string) handler {
	allow := strings.Join(slices.Sorted(slices.Values(methods)), ", ")
	return func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderAllow, allow)
		return newError(http.StatusMethodNotAllowed, "", "method %s is not allowed here; allowed: %s", c.Request().Method, allow)
	}
}

func (d *Dialect) notImplemented(msg string) handler {
	return func(echo.Context) error { return newError(http.StatusNotImplemented, "", "%s", msg) }
}
