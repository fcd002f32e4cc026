// Package privacyidea serves privacyIDEA's user management API (`POST
// /auth`, `/user`) on dirgate's core: clients written for privacyIDEA log
// in, list, create, edit and delete users as they did, while the users
// live in dirgate's directory. The wire contract is
// docs/dialects/privacyidea.md.
package privacyidea

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Name is the dialect's configuration key.
const Name = "privacyidea"

// Dialect is the built privacyIDEA front adapter.
type Dialect struct {
	topo      *topology
	tokens    tokens
	env       envelope
	admins    AdminConfig
	policies  policies
	sizeLimit int
	log       *slog.Logger
}

var _ dialect.Dialect = (*Dialect)(nil)

// Build makes the dialect over the core, binding each resolver to its
// domain.
func (c *Config) Build(deps dialect.Deps) (dialect.Dialect, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if deps.Core == nil {
		return nil, errors.New("privacyidea: no core service")
	}
	topo, err := buildTopology(c, deps.Core)
	if err != nil {
		return nil, err
	}
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	lifetime := c.TokenLifetime
	if lifetime == 0 {
		lifetime = defaultTokenLifetime
	}
	version := c.VersionNumber
	if version == "" {
		version = defaultVersionNumber
	}
	sizeLimit := c.SizeLimit
	if sizeLimit == 0 {
		sizeLimit = defaultSizeLimit
	}
	return &Dialect{
		topo:      topo,
		tokens:    newTokens([]byte(c.Secret), lifetime, time.Now),
		env:       envelope{versionNumber: version, now: time.Now},
		admins:    c.Admins,
		policies:  compilePolicies(c.Policies),
		sizeLimit: sizeLimit,
		log:       log,
	}, nil
}

// Name implements dialect.Dialect.
func (d *Dialect) Name() string { return Name }

// Mount registers privacyIDEA's routes; both spellings of /user, with and
// without the slash, answer as in the original's blueprint.
// Other methods on these paths answer as Flask does (otherMethods); they
// are registered first so that the routes' own methods replace them.
func (d *Dialect) Mount(g *echo.Group, _ dialect.Listener) {
	g.Any("/auth", otherMethods(http.MethodPost))
	g.POST("/auth", d.handleAuth)
	for _, path := range []string{"/user", "/user/"} {
		g.Any(path, otherMethods(http.MethodGet, http.MethodPost, http.MethodPut))
		g.GET(path, d.handleList)
		g.POST(path, d.handleCreate)
		g.PUT(path, d.handleUpdate)
	}
	g.Any("/user/:resolver/:username", otherMethods(http.MethodDelete))
	g.DELETE("/user/:resolver/:username", d.handleDelete)
}

// answer writes value, or err in the envelope. action names the policy
// action a denial is reported under.
func (d *Dialect) answer(c echo.Context, action string, value any, err error) error {
	if err == nil {
		return d.env.ok(c, value)
	}
	apiErr := clientFacing(err, action)
	if apiErr.status >= 500 {
		d.log.Error("request failed", "route", dialect.Route(c), "request_id", dialect.RequestID(c), "error", err)
	}
	return d.env.fail(c, apiErr)
}

// caller builds the core's caller for a session and scope.
func (d *Dialect) caller(c echo.Context, s *session, scope identity.Scope) identity.Caller {
	return dialect.Caller(c, Name, s.name(), scope)
}

// ctx is the request's context: every directory call is cancelled with it.
func ctx(c echo.Context) context.Context { return c.Request().Context() }
