package adweb

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
)

// openDirectory opens a fresh embedded store for one test, with pager
// allow-listed (the seed's customAttributes) and the lockout on.
func openDirectory(t *testing.T, base string) directory.Directory {
	t.Helper()
	cfg := embedded.NewConfig()
	cfg.Path = filepath.Join(t.TempDir(), "dart.org.db")
	cfg.ExtraAttributes = []string{"pager"}
	cfg.LockoutThreshold = 3
	// Cheap hashes: the tests log on often, and hashing strength is the
	// store's own tests' business.
	cfg.Argon2.Memory, cfg.Argon2.Iterations = 64, 1
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	// Not t.Context(): the store is closed in a cleanup, after it is done.
	dir, err := cfg.Open(context.Background(), directory.BackendEnv{
		Domain: "dart.org", BaseDN: base, DataDir: t.TempDir(), Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatalf("open the embedded store: %v", err)
	}
	t.Cleanup(func() { _ = dir.Close() })
	return dir
}
