package e2eutil

import (
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
)

// LDAP starts a private slapd (skipping the test when slapd is not
// installed, failing it when CI=true) and returns it with a `backend:`
// block that points dirgate at it.
func LDAP(tb testing.TB, o slapd.Options) (*slapd.Server, map[string]any) {
	tb.Helper()
	srv := slapd.Start(tb, o)
	cfg := map[string]any{
		"urls":         []string{srv.URL},
		"bindDN":       srv.BindDN,
		"bindPassword": srv.BindPassword,
		"groupModel":   string(srv.Options.Groups),
	}
	if srv.Options.Disable&slapd.PasswordPolicy == 0 {
		// The harness's ppolicy hashes cleartext on add: creates are one
		// operation, as docs/backends.md recommends.
		cfg["passwordInAdd"] = true
	}
	if srv.PolicyDN != "" {
		cfg["passwordPolicyDN"] = srv.PolicyDN
	}
	return srv, map[string]any{"type": "ldap", "config": cfg}
}

// DomainConfig renders a whole configuration with one domain on backend,
// for Options.Config.
func DomainConfig(tb testing.TB, name string, backend map[string]any, extra map[string]any) string {
	tb.Helper()
	doc := map[string]any{"domains": []any{map[string]any{"name": name, "backend": backend}}}
	for k, v := range extra {
		doc[k] = v
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		tb.Fatal(err)
	}
	return string(out)
}
