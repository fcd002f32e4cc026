package openapi

import (
	"context"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// openTestDirectory opens a fresh directory for one test: a private slapd
// until the embedded backend lands (then the embedded store).
func openTestDirectory(t *testing.T) directory.Directory {
	t.Helper()
	srv := slapd.Start(t, slapd.Options{})
	c := ldap.NewConfig()
	c.URLs = []string{srv.URL}
	c.BindDN, c.BindPassword = srv.BindDN, srv.BindPassword
	c.PasswordPolicyDN = srv.PolicyDN
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := c.Open(context.Background(), directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
