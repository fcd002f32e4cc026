package quickstart

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/dirgate/dirgate/config"
)

// TestBindFailureProvisionsNothing: when the generated configuration's
// listeners cannot be opened, Prepare stops before it creates a store,
// credentials or the configuration, and prints nothing.
func TestBindFailureProvisionsNothing(t *testing.T) {
	dir := t.TempDir()
	inUse := errors.New("listen on 127.0.0.1:18081: the address is in use by another program")
	var out bytes.Buffer
	var bound *config.Config
	_, err := Prepare(context.Background(), Options{
		Registry: reg, Base: base(t, dir), Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Out: &out,
		Bind: func(cfg *config.Config) error { bound = cfg; return inUse },
	})
	if !errors.Is(err, inUse) {
		t.Fatalf("Prepare = %v, want the bind error", err)
	}
	if bound == nil || bound.Listen != "127.0.0.1:18081" || len(bound.Dialects) == 0 {
		t.Errorf("Bind got %+v, want the generated configuration", bound)
	}
	if out.Len() != 0 {
		t.Errorf("printed %q", out.String())
	}
	left, _ := os.ReadDir(dir)
	for _, e := range left {
		t.Errorf("left %s in the data dir", e.Name())
	}
}
