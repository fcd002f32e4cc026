package config

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// placeholderKeys are the secrets config/dirgate.example.yaml leaves as
// "change-me…": the only problems a copied example may have.
var placeholderKeys = []string{
	"domains[0].backend.config.bindPassword",
	"dialects.kanboard.config.token",
	"dialects.openapi.config.jwtSecret",
	"dialects.openapi.config.invitations.secret",
	"dialects.privacyidea.config.secret",
	"console.sessionSecret",
}

// exampleProblems loads the example and returns its problems by key,
// skipping the ldap block where this build has no ldap backend.
func exampleProblems(t *testing.T) map[string]string {
	t.Helper()
	_, err := Load(reg, Source{File: "dirgate.example.yaml"})
	got := map[string]string{}
	for _, p := range Problems(err) {
		msg := p.Error()
		if !slices.Contains(reg.BackendTypes(), "ldap") && strings.HasPrefix(msg, `domains[0].backend.type: unknown backend "ldap"`) {
			t.Log("the ldap backend is not registered in this build: its block is not checked")
			continue
		}
		key, why, _ := strings.Cut(msg, ": ")
		got[key] = why
	}
	return got
}

// TestExampleLoads keeps dirgate.example.yaml true: every key it shows
// exists and every value is valid, for the backends and dialects this
// build registers — except its placeholder secrets, which are refused
// (TestExamplePlaceholderSecretsAreRefused).
func TestExampleLoads(t *testing.T) {
	for key, why := range exampleProblems(t) {
		if !slices.Contains(placeholderKeys, key) {
			t.Errorf("dirgate.example.yaml: %s: %s", key, why)
		}
	}
}

// TestExamplePlaceholderSecretsAreRefused: a copy of the example does not
// serve with its change-me secrets, which everyone who read it knows; each
// is named, and secrets given in DIRGATE_<KEY>_FILE files take their place.
func TestExamplePlaceholderSecretsAreRefused(t *testing.T) {
	got := exampleProblems(t)
	for _, key := range placeholderKeys {
		if !strings.Contains(got[key], "placeholder") {
			t.Errorf("%s: %q, want the placeholder refused", key, got[key])
		}
	}

	dir := t.TempDir()
	secret := func(env, value string) {
		path := filepath.Join(dir, env)
		if err := os.WriteFile(path, []byte(value+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		t.Setenv(env+"_FILE", path)
	}
	secret("DIRGATE_DIALECTS_KANBOARD_CONFIG_TOKEN", "kanboard-token-from-a-docker-secret")
	secret("DIRGATE_DIALECTS_OPENAPI_CONFIG_JWTSECRET", strings.Repeat("j", 40))
	secret("DIRGATE_DIALECTS_OPENAPI_CONFIG_INVITATIONS_SECRET", strings.Repeat("i", 40))
	secret("DIRGATE_DIALECTS_PRIVACYIDEA_CONFIG_SECRET", strings.Repeat("p", 40))
	secret("DIRGATE_CONSOLE_SESSIONSECRET", strings.Repeat("c", 40))
	got = exampleProblems(t)
	for _, key := range placeholderKeys[1:] {
		if why, ok := got[key]; ok {
			t.Errorf("%s given in a file is still refused: %s", key, why)
		}
	}
	if _, ok := got[placeholderKeys[0]]; !ok && slices.Contains(reg.BackendTypes(), "ldap") {
		t.Error("the domain's placeholder bindPassword was not refused")
	}
}
