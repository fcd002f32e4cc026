package authmatrix_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/server"
	"github.com/dirgate/dirgate/internal/testenv/registry"
	"github.com/dirgate/dirgate/pkg/identity"
	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// routerRoutes builds the server in-process from the very configuration
// file the running binary was started with, and returns its router's
// routes: the surface the matrix must cover. Nothing listens; the core is
// opened (on the same slapd) only because dialects are built on it.
func routerRoutes(t *testing.T, s *hostile.Stack) []server.Route {
	t.Helper()
	cfg, err := config.Load(config.Registry{Dialects: registry.Dialects(), Backends: registry.Backends()}, config.Source{File: s.ConfigPath, Overrides: map[string]any{
		"listen": s.Proc.Listen, "dataDir": t.TempDir(),
	}})
	if err != nil {
		t.Fatalf("load %s: %v", s.ConfigPath, err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	core, err := server.OpenCore(ctx, cfg, identity.NewAuditLog(nil), log, nil)
	if err != nil {
		t.Fatalf("open the core: %v", err)
	}
	defer core.Close()
	srv, err := server.New(server.Options{Config: cfg, Core: core, Log: log, Version: "authmatrix"})
	if err != nil {
		t.Fatalf("build the server: %v", err)
	}
	defer func() { _ = srv.Shutdown(ctx) }()
	return srv.Routes()
}
