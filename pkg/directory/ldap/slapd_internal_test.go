package ldap

import (
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// openOnPrivateSlapd opens the backend on a private plaintext slapd, with
// edit (when given) changing the configuration first; it closes with t.
func openOnPrivateSlapd(t *testing.T, edit func(*Config)) *Directory {
	t.Helper()
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	cfg := *NewConfig()
	cfg.URLs, cfg.BindDN, cfg.BindPassword = []string{srv.URL}, srv.BindDN, srv.BindPassword
	if edit != nil {
		edit(&cfg)
	}
	d, err := Open(t.Context(), cfg, directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}
