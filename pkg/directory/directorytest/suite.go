// Package directorytest is the conformance suite every directory.Directory
// backend must pass: the embedded store, and the OpenLDAP and Active
// Directory profiles of the LDAP backend. A backend opts in from one test:
//
//	func TestConformance(t *testing.T) {
//		srv := startServer(t) // once: shared by every test
//		directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
//			dir := open(t, srv) // closed in t.Cleanup
//			base := createEmptyOU(t, dir) // e.g. ou=ct-<random>,<base DN>
//			return directorytest.Fixture{Dir: dir, Base: base}
//		})
//	}
//
// The suite is written for servers that several tests (and several runs)
// share, such as a Samba AD DC that cannot be started per test:
//   - a test writes only under its Fixture.Base, and checks that Base is
//     empty when it starts;
//   - names are made unique per test from a random token and kept short
//     (AD's sAMAccountName holds at most 20 characters; the suite reads
//     Capabilities().UsernameMaxLength); fixed names such as "jürgen" are
//     used once and deleted again;
//   - in t.Cleanup the suite deletes everything under Base through the port.
//     The port cannot unprotect an OU, so OUs created protected stay: the
//     fixture removes Base with its own means afterwards (an LDAP subtree
//     delete), which is why Base should be a fresh OU per test;
//   - numbers (uidNumber, gidNumber) are random in a high range, or drawn
//     with AllocateID, so they do not collide with other tests.
//
// Tests run one after the other (never in parallel): the lockout and
// numbering tests depend on no one else touching the same account or
// counter meanwhile.
//
// A backend declares what it lacks in Capabilities; the suite skips exactly
// the checks that need it (NestedGroups, ProtectedOUs, LockoutThreshold,
// ExtraAttributes, ExportOmitsPasswords) and names the capability in the
// skip or log message. Nothing else is ever skipped.
package directorytest

import (
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Fixture is a backend under test.
type Fixture struct {
	Dir directory.Directory
	// Base is an existing, empty OU under Dir.BaseDN() that this test may fill.
	Base string
}

// group is a theme of conformance tests (users, groups, search ...).
type group struct {
	name  string
	tests []test
}

// test is one conformance test: it gets a fresh Fixture.
type test struct {
	name string
	run  func(t *testing.T, e *env)
}

func groups() []group {
	return []group{
		{"Users", userTests},
		{"Credentials", credentialTests},
		{"Groups", groupTests},
		{"OUs", ouTests},
		{"Search", searchTests},
		{"Escaping", escapingTests},
		{"Numbers", numberTests},
		{"Concurrency", concurrencyTests},
		{"LDIF", ldifTests},
		{"Maintenance", maintenanceTests},
	}
}

// RunTests runs every conformance test; newFixture is called once per test (t.Run subtest).
func RunTests(t *testing.T, newFixture func(t *testing.T) Fixture) {
	for _, g := range groups() {
		t.Run(g.name, func(t *testing.T) {
			for _, tc := range g.tests {
				t.Run(tc.name, func(t *testing.T) {
					tc.run(t, newEnv(t, newFixture(t)))
				})
			}
		})
	}
}
