package ldap_test

import (
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestAllocateIDSwapConnectionBreaks: when the connection carrying the
// counter's compare-and-swap breaks — before the server saw it, or after
// it applied it with the answer lost — the allocation reads the counter
// again on a fresh connection and succeeds, never handing a number out
// twice.
func TestAllocateIDSwapConnectionBreaks(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	for i, mode := range []cutMode{cutBeforeServer, cutAnswer} {
		t.Run(mode.String(), func(t *testing.T) {
			px := newCutter(t, srv.URL)
			c := config(srv, slapd.GroupOfNames)
			c.URLs = []string{px.url()}
			d := open(t, c)
			r := directory.Range{Min: 40000 + int64(i)*1000, Max: 40999 + int64(i)*1000}
			first, err := d.AllocateID(t.Context(), directory.UIDSequence, r)
			if err != nil {
				t.Fatal(err)
			}
			px.arm(mode, tagModifyRequest)
			second, err := d.AllocateID(t.Context(), directory.UIDSequence, r)
			if err != nil {
				t.Fatalf("AllocateID with the swap's connection broken: %v", err)
			}
			if !px.fired() {
				t.Fatal("no modify request went through the proxy")
			}
			third, err := d.AllocateID(t.Context(), directory.UIDSequence, r)
			if err != nil {
				t.Fatal(err)
			}
			if !(first < second && second < third) {
				t.Errorf("numbers %d, %d, %d: want strictly increasing", first, second, third)
			}
			t.Logf("numbers %d, %d, %d", first, second, third)
		})
	}
}
