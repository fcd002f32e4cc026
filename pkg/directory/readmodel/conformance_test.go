package readmodel_test

import (
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory/directorytest"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// TestConformance runs the port's conformance suite on a read model over
// the LDAP backend: the decorator answers every read the backend does,
// the same way, and its writes are read back at once. At the end the
// model must have answered reads itself, or the run proved nothing about
// it.
func TestConformance(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Lockout: 3})
	var models []*readmodel.Directory
	directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
		m, _ := openModel(t, srv, 2*time.Second)
		models = append(models, m)
		return directorytest.Fixture{Dir: m, Base: srv.FreshOU(t)}
	})
	var served, routed int64
	for _, m := range models {
		s := m.Stats()
		served += s.Served
		routed += s.Routed
	}
	t.Logf("reads answered by the model: %d, by the directory: %d", served, routed)
	if served == 0 {
		t.Fatal("the model answered no read")
	}
}
