package openapi

import (
	"context"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
)

// openTestDirectory opens a fresh embedded store for one test.
func openTestDirectory(t *testing.T) directory.Directory {
	t.Helper()
	c := embedded.NewConfig()
	// Cheap hashes: the tests set many passwords on two shared cores.
	c.Argon2 = embedded.Argon2Params{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	d, err := c.Open(context.Background(), directory.BackendEnv{Domain: "example.com", BaseDN: "dc=example,dc=com", DataDir: t.TempDir()})
	if err != nil {
		t.Fatalf("open embedded directory: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d
}
