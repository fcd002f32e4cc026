package ldap_test

import (
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// The AD tests share one DC with every other package of the run (its
// ports are fixed), so each top-level test works below an OU of its own,
// which is also the backend's base: whole-base searches, exports and
// imports never touch another package's entries.

// adConfig returns an "ad" profile configuration for the test DC with
// base as its base DN, over LDAPS, trusting the DC's certificate.
func adConfig(srv *samba.Server, base string) ldap.Config {
	c := *ldap.NewConfig()
	c.Profile = "ad"
	c.URLs = []string{srv.URL}
	c.BindDN, c.BindPassword = srv.AdminDN, srv.AdminPassword
	c.BaseDN = base
	c.TLS.CAFile, c.TLS.ServerName = srv.CAFile, srv.ServerName
	c.ExtraAttributes = extraAttrs // employeeNumber and departmentNumber: AD's user has both
	return c
}

// adOU creates an empty OU below parent and removes it with everything
// below when the test ends, protected OUs included (their protection is
// lifted first).
func adOU(t testing.TB, srv *samba.Server, parent string) string { return srv.FreshOU(t, parent) }

// adBase is the OU a top-level test works below: adOU under the domain.
func adBase(t testing.TB, srv *samba.Server) string { return adOU(t, srv, srv.BaseDN) }

// adCounters makes the test's own uid/gid counters below base.
func adCounters(t testing.TB, srv *samba.Server, base string) string { return srv.Counters(t, base) }
