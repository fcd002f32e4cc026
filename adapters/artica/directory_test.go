package artica

import (
	"path/filepath"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
)

// openDirectory opens a fresh embedded store (the default backend, a real
// persistent file) with base dc=example,dc=com.
func openDirectory(t *testing.T) directory.Directory {
	t.Helper()
	cfg := embedded.NewConfig()
	cfg.Path = filepath.Join(t.TempDir(), "example.com.db")
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	dir, err := cfg.Open(t.Context(), directory.BackendEnv{Domain: "example.com", BaseDN: "dc=example,dc=com", DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("open the embedded store: %v", err)
	}
	t.Cleanup(func() { _ = dir.Close() })
	return dir
}
