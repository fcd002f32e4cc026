package embedded

import (
	"context"
	"log/slog"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/directorytest"
)

// quiet drops the store's logs in tests.
var quiet = slog.New(slog.DiscardHandler)

// testConfig is the defaults plus two extra attributes, so that the suite
// exercises the allow-list.
func testConfig() *Config {
	c := NewConfig()
	c.ExtraAttributes = []string{"pager", "roomNumber"}
	return c
}

// openTest opens a database in dir for the test and closes it afterwards.
func openTest(t testing.TB, c *Config, dir string) *Directory {
	t.Helper()
	d, err := open(context.Background(), c, directory.BackendEnv{
		Domain: "example.com", BaseDN: "dc=example,dc=com", DataDir: dir, Log: quiet,
	})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() {
		if err := d.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return d
}

// newBase creates an empty OU for one test.
func newBase(t *testing.T, d directory.Directory) string {
	t.Helper()
	ou, err := d.CreateOU(t.Context(), directory.NewOU{ParentDN: d.BaseDN(), Name: "conformance-" + t.Name()})
	if err != nil {
		t.Fatalf("creating the test's base OU: %v", err)
	}
	return ou.DN
}

// TestConformance runs the suite on a fresh database per test.
func TestConformance(t *testing.T) {
	directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
		d := openTest(t, testConfig(), t.TempDir())
		d.afterWrite = func() { checkInvariants(t, d) }
		return directorytest.Fixture{Dir: d, Base: newBase(t, d)}
	})
}

// TestConformanceShared runs the suite with every test on one database, as
// the LDAP profiles run it on one server: it proves that the tests stay
// inside their Base and clean up after themselves.
func TestConformanceShared(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the suite runs once, in TestConformance")
	}
	d := openTest(t, testConfig(), t.TempDir())
	directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
		return directorytest.Fixture{Dir: d, Base: newBase(t, d)}
	})
	// Everything but protected OUs (the port cannot unprotect them) is gone.
	p, err := d.SearchUsers(context.Background(), directory.Query{})
	if err != nil || p.Total != 0 {
		t.Errorf("after the suite %d users are left (%v): %v", p.Total, err, names(p.Items))
	}
	g, err := d.SearchGroups(context.Background(), directory.Query{})
	if err != nil || g.Total != 0 {
		t.Errorf("after the suite %d groups are left (%v)", g.Total, err)
	}
	checkInvariants(t, d)
}

func names(us []directory.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}
