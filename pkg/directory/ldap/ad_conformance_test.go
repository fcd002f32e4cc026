package ldap_test

import (
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory/directorytest"
)

// TestADConformance runs the port's conformance suite against a real
// Samba AD DC with the "ad" profile (internal/testenv/samba: one DC per
// run, dirgate's schema extension loaded). Every test works in an OU of
// its own below the backend's base.
func TestADConformance(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	cfg := adConfig(srv, base)
	cfg.CountersDN = adCounters(t, srv, base)
	directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
		d := open(t, cfg)
		return directorytest.Fixture{Dir: d, Base: adOU(t, srv, base)}
	})
}
