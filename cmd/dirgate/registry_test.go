package main

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	testregistry "github.com/dirgate/dirgate/internal/testenv/registry"
)

// TestRegistryMatchesTests: the tests load configurations with
// internal/testenv/registry's lists; they must be the binary's, name for
// name and config type for config type, or the tests would check another
// product than the one shipped.
func TestRegistryMatchesTests(t *testing.T) {
	same := func(what string, got, want map[string]string) {
		t.Helper()
		if !maps.Equal(got, want) {
			t.Errorf("%s: binary %v, tests %v", what, got, want)
		}
	}
	same("dialects", types(registry.Dialects), types(testregistry.Dialects()))
	same("backends", types(registry.Backends), types(testregistry.Backends()))
	if len(registry.Dialects) == 0 || len(registry.Backends) == 0 {
		t.Errorf("the binary serves %v over %v", slices.Sorted(maps.Keys(registry.Dialects)), slices.Sorted(maps.Keys(registry.Backends)))
	}
}

// types names the type of the config each factory makes, by key.
func types[T any](factories map[string]func() T) map[string]string {
	out := make(map[string]string, len(factories))
	for name, f := range factories {
		out[name] = fmt.Sprintf("%T", f())
	}
	return out
}
