// Package adweb_test drives the built dirgate binary as AD Web's clients
// do: every curl example of AD Web's documentation, with the host, the key
// pair and the DNs substituted, against a real directory server, checking
// the directory afterwards with plain LDAP (binds, entries, memberships).
//
// The directory is a fixture (fixture.go): OpenLDAP (slapd) today; the AD
// profile on Samba is one more fixture function running the same suite.
package adweb_test

import (
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }

// TestAdWebOpenLDAP runs the suite on one slapd and one dirgate: starting
// them is most of the cost, and the cases use names of their own.
func TestAdWebOpenLDAP(t *testing.T) {
	runSuite(t, openLDAP(t))
}

// runSuite is everything the dialect must do on any backend.
func runSuite(t *testing.T, f *fixture) {
	s := start(t, f)
	t.Run("seed examples", func(t *testing.T) { testSeedExamples(t, s) })
	t.Run("unlock after failed binds", func(t *testing.T) { testUnlock(t, s) })
	t.Run("keys", func(t *testing.T) { testKeys(t, s) })
	t.Run("bad input", func(t *testing.T) { testBadInput(t, s) })
	t.Run("metacharacters", func(t *testing.T) { testMetacharacters(t, s) })
	s.noSecretsInOutput(t)
}
