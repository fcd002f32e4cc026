// Package registry gives tests the dialects and backends the binary serves
// (cmd/dirgate/registry.go), which a test cannot import from package main;
// cmd/dirgate's TestRegistryMatchesTests keeps the two lists equal. It
// returns plain maps rather than a config.Registry so that config's own
// tests can use it without an import cycle.
package registry

import (
	"github.com/dirgate/dirgate/adapters/adweb"
	"github.com/dirgate/dirgate/adapters/artica"
	"github.com/dirgate/dirgate/adapters/kanboard"
	"github.com/dirgate/dirgate/adapters/openapi"
	"github.com/dirgate/dirgate/adapters/privacyidea"
	"github.com/dirgate/dirgate/adapters/scim"
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// Dialects returns a new map of every dialect's factory, by name; the
// caller may add to it.
func Dialects() map[string]func() dialect.Config {
	return map[string]func() dialect.Config{
		"adweb":       func() dialect.Config { return adweb.DefaultConfig() },
		"artica":      func() dialect.Config { return artica.DefaultConfig() },
		"kanboard":    func() dialect.Config { return kanboard.DefaultConfig() },
		"openapi":     func() dialect.Config { return openapi.DefaultConfig() },
		"privacyidea": func() dialect.Config { return privacyidea.DefaultConfig() },
		"scim":        func() dialect.Config { return scim.DefaultConfig() },
	}
}

// Backends returns a new map of every backend's factory, by type; the
// caller may add to it.
func Backends() map[string]func() directory.BackendConfig {
	return map[string]func() directory.BackendConfig{
		"embedded": func() directory.BackendConfig { return embedded.NewConfig() },
		"ldap":     func() directory.BackendConfig { return ldap.NewConfig() },
	}
}
