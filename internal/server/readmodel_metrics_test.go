package server

import (
	"context"
	"errors"
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
	c := ldap.NewConfig()
	c.URLs, c.BindDN, c.BindPassword, c.BaseDN = []string{srv.URL}, srv.BindDN, srv.BindPassword, srv.Suffix
	c.ReadModel = "on"
	dir, err := c.Open(t.Context(), directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	rm := dir.(*readmodel.Directory)
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
