// Package dialect is the seam between dirgate's server and its front
// adapters. A dialect is a thin translation of one legacy wire protocol onto
// the core service (package identity); the server knows dialects only
// through the interfaces here, so adding one touches no serve code.
package dialect

import (
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/identity"
)

// Dialect is a front adapter, built from its Config.
type Dialect interface {
	// Name is the dialect's configuration key and metrics label, e.g.
	// "artica".
	Name() string
	// Mount registers the dialect's routes on g (already under the
	// dialect's prefix) for one listener. It is called once per listener
	// that serves the dialect, so a dialect may add authentication that
	// only one kind of listener needs (Artica's TCP API key).
	Mount(g *echo.Group, on Listener)
}

// Documented is a dialect with a machine-readable contract: its OpenAPI
// document, which the console renders at /api/docs beside every other
// enabled dialect's. The server asks the dialect rather than importing
// the document, so that it depends on no adapter.
type Documented interface {
	APIDocument() []byte
}

// Listener describes where a request came in.
type Listener struct {
	// Network is "tcp" or "unix".
	Network string
	// Address is host:port or the socket path.
	Address string
}

// Deps is what the server gives a dialect when building it.
type Deps struct {
	Core *identity.Service
	// Log already carries the "dialect" key: a dialect that adds it
	// again writes the key twice on every line.
	Log     *slog.Logger
	Version string
	// DataDir is dirgate's data directory (for the embedded backend and the
	// quick start); dialects keep nothing there unless configured to.
	DataDir string
}

// Config is one dialect's configuration block (the `config:` part of
// `dialects.<name>`). It is decoded from YAML/env with mapstructure tags,
// validated as a whole, then built into a Dialect.
type Config interface {
	// Validate reports every problem of the block at once (errors.Join).
	Validate() error
	// Build makes the dialect.
	Build(deps Deps) (Dialect, error)
}

// Bootstrapper is implemented by dialect configs that generate credentials
// on the quick start's first run (API keys, tokens, signing secrets). The
// returned section goes into initial-credentials.json under the dialect's
// name (nil: nothing to show); the config itself is updated in place and
// saved, so later starts reuse it.
type Bootstrapper interface {
	Bootstrap(b *Bootstrap) (section any, err error)
}

// Bootstrap is what a dialect gets to generate its first-run credentials.
type Bootstrap struct {
	DataDir string
	// Admin is the account the quick start created, a member of
	// AdminGroup, the gateway's admin group; dialects whose admins are
	// the gateway's grant them to that group.
	AdminUsername string
	AdminGroup    string
	// AdminRoleGroups is where a dialect that hands its admin role out
	// through a group of its own (Kanboard's app-admin) names that group:
	// the quick start makes AdminGroup a member of it, so the gateway's
	// admins hold the role while the role gives no rights elsewhere.
	AdminRoleGroups []string
	// Secret returns n random bytes encoded for a config file (URL-safe
	// base64 without padding).
	Secret func(n int) string
	// Listeners are the dialect's own listeners, as configured.
	Listeners []Listener
	// Listen is the main listener's host:port, where a dialect without
	// listeners of its own is served (for the URL its section shows).
	Listen string
}
