// Package inproc serves dialects in-process for fuzz targets: the core over
// a fresh embedded store, each dialect mounted on an echo instance that
// bounds bodies as the server does. Unlike the adapters' own harnesses it
// takes any testing.TB, so one instance can live across a whole fuzz run
// (built on the *testing.F, used by every input).
//
// It has no panic recovery on purpose: a panic in a handler fails the
// fuzz input that caused it.
package inproc

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
	"github.com/dirgate/dirgate/pkg/identity"
)

// BodyLimit stands for the server's default server.bodyLimit.
const BodyLimit = 1 << 20

// System is the caller that seeds the store.
var System = identity.Caller{Name: "inproc", Dialect: "test"}

// Env is one domain on an embedded store and its core.
type Env struct {
	Domain *identity.Domain
	Core   *identity.Service
	// Output holds the server log and the audit log.
	Output *Buffer
}

// New opens a fresh embedded store for the domain (name, base), with cheap
// password hashes: fuzzing sets many passwords.
func New(tb testing.TB, cfg identity.DomainConfig, base string, extraAttributes ...string) *Env {
	tb.Helper()
	ec := embedded.NewConfig()
	ec.Path = filepath.Join(tb.TempDir(), cfg.Name+".db")
	ec.ExtraAttributes = extraAttributes
	ec.Argon2 = embedded.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}
	if err := ec.Validate(); err != nil {
		tb.Fatal(err)
	}
	out := &Buffer{}
	log := slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Not tb.Context(): the store is closed in a cleanup, after it is done.
	dir, err := ec.Open(context.Background(), directory.BackendEnv{Domain: cfg.Name, BaseDN: base, DataDir: tb.TempDir(), Log: log})
	if err != nil {
		tb.Fatalf("open the embedded store: %v", err)
	}
	tb.Cleanup(func() { _ = dir.Close() })
	dom := identity.NewDomain(cfg, dir, identity.NewAuditLog(out), log)
	core, err := identity.NewService(dom)
	if err != nil {
		tb.Fatal(err)
	}
	// The store makes the users and groups containers of its layout; a
	// custom UsersDN or GroupsDN is the caller's to create.
	return &Env{Domain: dom, Core: core, Output: out}
}

// Deps are what the server gives a dialect it builds.
func (e *Env) Deps(tb testing.TB) dialect.Deps {
	return dialect.Deps{Core: e.Core, Log: slog.New(slog.NewJSONHandler(e.Output, nil)), Version: "fuzz", DataDir: tb.TempDir()}
}

// Mount serves d under prefix for listener l, with bodies bounded as the
// server bounds them.
func Mount(d dialect.Dialect, prefix string, l dialect.Listener) *echo.Echo {
	e := echo.New()
	e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if r := c.Request(); r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(c.Response().Writer, r.Body, BodyLimit)
			}
			return next(c)
		}
	})
	d.Mount(e.Group(prefix), l)
	return e
}

// Serve answers one request.
func Serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// outputLimit bounds what a Buffer keeps: a long fuzz run logs far more
// than any check needs.
const outputLimit = 1 << 20

// Buffer is a goroutine-safe bytes.Buffer that keeps the first MiB written.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := outputLimit - b.b.Len(); room > 0 {
		b.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var _ io.Writer = (*Buffer)(nil)
