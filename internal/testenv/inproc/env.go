// Package inproc serves the core and the dialects in-process, for the
// dialects' unit tests and fuzz targets: a fresh embedded store with cheap
// password hashes, the core over it, logs and audit caught in buffers, and
// each dialect mounted on an echo instance that bounds bodies as the
// server does. It takes any testing.TB, so one Env can serve a single test
// or live across a whole fuzz run (built on the *testing.F, used by every
// input).
//
// It has no panic recovery on purpose: a panic in a handler fails the test
// or the fuzz input that caused it.
package inproc

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
	"github.com/dirgate/dirgate/pkg/identity"
)

// System is the caller that seeds the store.
var System = identity.Caller{Name: "inproc", Dialect: "test"}

// Env is one domain on an embedded store and its core.
type Env struct {
	// Dir is the store itself, for fixtures and checks that bypass the core.
	Dir    directory.Directory
	Domain *identity.Domain
	Core   *identity.Service
	// Log is the store's, the core's and (through Deps) the dialect's
	// logger: JSON into Logs, debug level and up.
	Log *slog.Logger
	// Logs holds the server log, Audit the core's audit log.
	Logs, Audit *Buffer
}

// fuzzOutputLimit bounds what an Env built for a fuzz run keeps of its
// logs: such a run logs far more than any check needs.
const fuzzOutputLimit = 1 << 20

// New opens a fresh embedded store for the domain (name, base), with cheap
// password hashes (tests set many passwords; hashing strength is the
// store's own tests' business), and the core over it. Each edit adjusts
// the store's configuration before it opens (allow-listed attributes, the
// lockout).
func New(tb testing.TB, cfg identity.DomainConfig, base string, edits ...func(*embedded.Config)) *Env {
	tb.Helper()
	ec := embedded.NewConfig()
	ec.Path = filepath.Join(tb.TempDir(), cfg.Name+".db")
	ec.Argon2 = embedded.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	for _, edit := range edits {
		edit(ec)
	}
	if err := ec.Validate(); err != nil {
		tb.Fatal(err)
	}
	e := &Env{Logs: &Buffer{}, Audit: &Buffer{}}
	if _, fuzzing := tb.(*testing.F); fuzzing {
		e.Logs.Limit, e.Audit.Limit = fuzzOutputLimit, fuzzOutputLimit
	}
	e.Log = slog.New(slog.NewJSONHandler(e.Logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Not tb.Context(): the store is closed in a cleanup, after it is done.
	dir, err := ec.Open(context.Background(), directory.BackendEnv{Domain: cfg.Name, BaseDN: base, DataDir: tb.TempDir(), Log: e.Log})
	if err != nil {
		tb.Fatalf("open the embedded store: %v", err)
	}
	tb.Cleanup(func() { _ = dir.Close() })
	e.Dir = dir
	e.Domain = identity.NewDomain(cfg, dir, identity.NewAuditLog(e.Audit), e.Log)
	if e.Core, err = identity.NewService(e.Domain); err != nil {
		tb.Fatal(err)
	}
	// The store makes the users and groups containers of its layout; a
	// custom UsersDN or GroupsDN is the caller's to create.
	return e
}

// Deps are what the server gives a dialect it builds.
func (e *Env) Deps(tb testing.TB) dialect.Deps {
	return dialect.Deps{Core: e.Core, Log: e.Log, Version: "inproc", DataDir: tb.TempDir()}
}

// Output is everything dirgate wrote, the log then the audit log: what a
// check that no secret leaks reads.
func (e *Env) Output() string { return e.Logs.String() + e.Audit.String() }
