package config

import (
	"maps"
	"slices"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// Registry is what a binary serves: the factories of its dialects and
// backends, each returning a new config holding that block's defaults, over
// which its `config:` block is decoded. The binary assembles it
// (cmd/dirgate/registry.go) and hands it to Load, so that this package
// depends on no adapter and no backend, and what a binary serves is visible
// in one place, with no init() registration.
type Registry struct {
	// Dialects maps a `dialects.<name>` key to its factory.
	Dialects map[string]func() dialect.Config
	// Backends maps a domain's `backend.type` to its factory.
	Backends map[string]func() directory.BackendConfig
}

// BackendTypes lists the registered backend types, sorted.
func (r Registry) BackendTypes() []string { return slices.Sorted(maps.Keys(r.Backends)) }

// DialectNames lists the registered dialects, sorted.
func (r Registry) DialectNames() []string { return slices.Sorted(maps.Keys(r.Dialects)) }

// NewBackendConfig returns the defaults of a backend type.
func (r Registry) NewBackendConfig(typ string) (directory.BackendConfig, bool) {
	f, ok := r.Backends[typ]
	if !ok {
		return nil, false
	}
	return f(), true
}

// NewDialectConfig returns the defaults of a dialect.
func (r Registry) NewDialectConfig(name string) (dialect.Config, bool) {
	f, ok := r.Dialects[name]
	if !ok {
		return nil, false
	}
	return f(), true
}
