package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// TestReadModelMetrics: a domain with readModel on exports the model's
// lag and who answered its reads.
func TestReadModelMetrics(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	rm := openReadModel(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := rm.WaitServing(ctx); err != nil {
		t.Fatal(err)
	}
	m := NewMetrics("test")
	registerReadModel(m, "example.com", rm)
	if _, err := rm.GetUser(ctx, directory.ByName("nobody")); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("GetUser: %v", err)
	}
	want := `
# HELP dirgate_readmodel_reads_total Reads of a domain with a read model, by who answered them: the model itself or the directory.
# TYPE dirgate_readmodel_reads_total counter
dirgate_readmodel_reads_total{answeredBy="directory",domain="example.com"} 0
dirgate_readmodel_reads_total{answeredBy="model",domain="example.com"} 1
`
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want), "dirgate_readmodel_reads_total"); err != nil {
		t.Error(err)
	}
	families, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range families {
		if f.GetName() == "dirgate_readmodel_lag_seconds" {
			found = true
			if lag := f.GetMetric()[0].GetGauge().GetValue(); lag < 0 || lag > 1 {
				t.Errorf("lag %v s while serving, want within the 1 s bound", lag)
			}
		}
	}
	if !found {
		t.Error("no dirgate_readmodel_lag_seconds")
	}
}

// TestReadModelResumeMetrics: after slapd stops and starts again, the
// stream's restart shows as a resume and not as a second load, so an
// operator (and the e2e tests) can tell resumption by cookie from a
// reload of the whole domain.
func TestReadModelResumeMetrics(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	rm := openReadModel(t, srv)
	m := NewMetrics("test")
	registerReadModel(m, "example.com", rm)
	serving := func() {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if err := rm.WaitServing(ctx); err != nil {
			t.Fatal(err)
		}
	}
	serving()
	compare := func(loads, resumes int) {
		t.Helper()
		want := fmt.Sprintf(`
# HELP dirgate_readmodel_loads_total Full loads of the read model: one at start, one more each time the change stream could not resume from its cookie.
# TYPE dirgate_readmodel_loads_total counter
dirgate_readmodel_loads_total{domain="example.com"} %d
# HELP dirgate_readmodel_resumes_total Restarts of the read model's change stream from its cookie after a break (those the server refused also count a load).
# TYPE dirgate_readmodel_resumes_total counter
dirgate_readmodel_resumes_total{domain="example.com"} %d
`, loads, resumes)
		if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want),
			"dirgate_readmodel_loads_total", "dirgate_readmodel_resumes_total"); err != nil {
			t.Error(err)
		}
	}
	compare(1, 0)

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if _, ok := rm.Lag(); !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the model still streams 5 s after slapd stopped")
		}
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	serving()
	if s := rm.Stats(); s.Resumes < 1 || s.Loads != 1 {
		t.Fatalf("after slapd's restart: %+v, want one load and at least one resume", s)
	}
	compare(1, int(rm.Stats().Resumes))
}

// openReadModel opens the LDAP backend of domain example.com on srv with
// readModel on, closed when the test ends.
func openReadModel(t *testing.T, srv *slapd.Server) *readmodel.Directory {
	t.Helper()
	c := ldap.NewConfig()
	c.URLs, c.BindDN, c.BindPassword, c.BaseDN = []string{srv.URL}, srv.BindDN, srv.BindPassword, srv.Suffix
	c.ReadModel = "on"
	dir, err := c.Open(t.Context(), directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dir.Close() })
	return dir.(*readmodel.Directory)
}
