package config

import (
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// backends maps a domain's `backend.type` to a new BackendConfig holding
// that backend's defaults; the `backend.config` block is decoded over it.
// Adding a backend is one line here: no init() registration, so what a
// binary supports is visible in one place.
var backends = map[string]func() directory.BackendConfig{
	// One entry per line, sorted by name.
	"embedded": func() directory.BackendConfig { return embedded.NewConfig() },
	"ldap":     func() directory.BackendConfig { return ldap.NewConfig() },
}
