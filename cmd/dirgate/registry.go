package main

import (
	"github.com/dirgate/dirgate/adapters/adweb"
	"github.com/dirgate/dirgate/adapters/artica"
	"github.com/dirgate/dirgate/adapters/kanboard"
	"github.com/dirgate/dirgate/adapters/openapi"
	"github.com/dirgate/dirgate/adapters/privacyidea"
	"github.com/dirgate/dirgate/adapters/scim"
	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// registry is what this binary serves: every dialect and backend, each by
// the name its configuration block uses. Adding one is one line here, e.g.
//
//	"kanboard": func() dialect.Config { return kanboard.DefaultConfig() },
//
// and no serve or config code changes. No init() registration: what the
// binary serves is visible here, and only the binary imports the adapters
// and backends. internal/testenv/registry gives tests the same lists,
// which TestRegistryMatchesTests keeps equal.
var registry = config.Registry{
	// One entry per line, sorted by name, so concurrent additions do not
	// collide.
	Dialects: map[string]func() dialect.Config{
		"adweb":       func() dialect.Config { return adweb.DefaultConfig() },
		"artica":      func() dialect.Config { return artica.DefaultConfig() },
		"kanboard":    func() dialect.Config { return kanboard.DefaultConfig() },
		"openapi":     func() dialect.Config { return openapi.DefaultConfig() },
		"privacyidea": func() dialect.Config { return privacyidea.DefaultConfig() },
		"scim":        func() dialect.Config { return scim.DefaultConfig() },
	},
	Backends: map[string]func() directory.BackendConfig{
		"embedded": func() directory.BackendConfig { return embedded.NewConfig() },
		"ldap":     func() directory.BackendConfig { return ldap.NewConfig() },
	},
}
