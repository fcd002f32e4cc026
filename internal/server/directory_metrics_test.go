package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
)

func TestInstrumentedDirectoryCountsOperationsAndErrors(t *testing.T) {
	ctx := context.Background()
	dir, err := embedded.NewConfig().Open(ctx, directory.BackendEnv{
		Domain: "example.com", BaseDN: "dc=example,dc=com", DataDir: t.TempDir(),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	m := NewMetrics("test")
	d := InstrumentDirectory(dir, "example.com", m)
	defer d.Close()

	if _, err := d.Health(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := d.GetUser(ctx, directory.ByName("nobody")); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("GetUser: %v", err)
	}
	if d.BaseDN() != "dc=example,dc=com" {
		t.Errorf("BaseDN = %q", d.BaseDN())
	}
	want := `
# HELP dirgate_directory_operation_errors_total Directory operations that returned an error, by domain, operation and kind of error (the port's sentinel).
# TYPE dirgate_directory_operation_errors_total counter
dirgate_directory_operation_errors_total{domain="example.com",error="not found",operation="GetUser"} 1
`
	if err := testutil.CollectAndCompare(m.dirErrors, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	if n := testutil.CollectAndCount(m.dirOps); n != 2 {
		t.Errorf("%d latency series, want 2 (Health, GetUser)", n)
	}
	// A not-found is the request's business, not the directory's trouble:
	// the console's health view shows no last error for it.
	if e, ok := m.LastDirectoryError("example.com"); ok {
		t.Errorf("last directory error after a not-found: %+v", e)
	}
	// A closed store does not answer: that is the domain's last error.
	_ = dir.Close()
	if _, err := d.GetUser(ctx, directory.ByName("nobody")); err == nil {
		t.Fatal("a closed store answered")
	}
	if e, ok := m.LastDirectoryError("example.com"); !ok || e.Operation != "GetUser" || e.Time.IsZero() {
		t.Errorf("last directory error after the store closed = %+v, %v", e, ok)
	}
}
