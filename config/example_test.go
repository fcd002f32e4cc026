package config

import (
	"slices"
	"strings"
	"testing"
)

// TestExampleLoads keeps dirgate.example.yaml true: every key it shows
// exists and every value is valid, for the backends and dialects this
// build registers.
func TestExampleLoads(t *testing.T) {
	_, err := Load(Source{File: "dirgate.example.yaml"})
	for _, p := range Problems(err) {
		msg := p.Error()
		if !slices.Contains(BackendTypes(), "ldap") && strings.HasPrefix(msg, `domains[0].backend.type: unknown backend "ldap"`) {
			t.Log("the ldap backend is not registered in this build: its block is not checked")
			continue
		}
		t.Errorf("dirgate.example.yaml: %s", msg)
	}
}
