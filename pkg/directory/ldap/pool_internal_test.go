package ldap

import (
	"context"
	"errors"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// A call whose context has ended fails without running, even when an
// idle connection is at hand (a fast answer could otherwise beat the
// abort and succeed).
func TestCallWithAnEndedContextDoesNotRun(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	cfg := *NewConfig()
	cfg.URLs, cfg.BindDN, cfg.BindPassword = []string{srv.URL}, srv.BindDN, srv.BindPassword
	d, err := Open(t.Context(), cfg, directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, p := range []*pool{d.svc, d.reads} {
		if err := p.call(t.Context(), true, func(*conn) error { return nil }); err != nil {
			t.Fatal(err) // leaves an idle connection
		}
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		ran := false
		err := p.call(ctx, true, func(*conn) error { ran = true; return nil })
		if ran || !errors.Is(err, directory.ErrUnavailable) || !errors.Is(err, context.Canceled) {
			t.Errorf("%s pool: ran %v, error %v", p.name, ran, err)
		}
	}
}
