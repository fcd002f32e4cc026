package config

import (
	"maps"
	"slices"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// BackendTypes lists the registered backend types, sorted.
func BackendTypes() []string { return slices.Sorted(maps.Keys(backends)) }

// DialectNames lists the registered dialects, sorted.
func DialectNames() []string { return slices.Sorted(maps.Keys(dialects)) }

// NewBackendConfig returns the defaults of a backend type.
func NewBackendConfig(typ string) (directory.BackendConfig, bool) {
	f, ok := backends[typ]
	if !ok {
		return nil, false
	}
	return f(), true
}

// NewDialectConfig returns the defaults of a dialect.
func NewDialectConfig(name string) (dialect.Config, bool) {
	f, ok := dialects[name]
	if !ok {
		return nil, false
	}
	return f(), true
}
