package ldap_test

import (
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestAllocateIDAfterFailoverToALaggingServer: after a failover, the
// counter on the other server may lag behind numbers already handed out
// (replication had not carried them yet). Two servers that do not
// replicate at all are the extreme of that lag: numbers handed out on the
// first must never come again from the second.
func TestAllocateIDAfterFailoverToALaggingServer(t *testing.T) {
	password := "lag-" + strings.Repeat("x", 8)
	a := slapd.Start(t, slapd.Options{Disable: slapd.TLS, RootPassword: password})
	b := slapd.Start(t, slapd.Options{Disable: slapd.TLS, RootPassword: password})
	c := config(a, slapd.GroupOfNames)
	c.URLs = []string{a.URL, b.URL}
	d := open(t, c)
	r := directory.Range{Min: 10000, Max: 19999}
	seen := map[int64]bool{}
	var last int64
	alloc := func(where string) {
		t.Helper()
		n, err := d.AllocateID(t.Context(), directory.UIDSequence, r)
		if err != nil {
			t.Fatalf("AllocateID on %s: %v", where, err)
		}
		if seen[n] || n <= last {
			t.Errorf("AllocateID on %s = %d after %d: handed out again or going back", where, n, last)
		}
		seen[n], last = true, n
	}
	for range 3 {
		alloc("the first server")
	}
	if err := a.Stop(); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		alloc("the second server")
	}
	if h, err := d.Health(t.Context()); err != nil || h.Server != b.URL {
		t.Fatalf("Health = %+v, %v; want served by %s", h, err, b.URL)
	}
}
