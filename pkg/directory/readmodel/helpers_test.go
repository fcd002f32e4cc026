package readmodel_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

func testLogger() *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("DIRGATE_TEST_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// openBackend opens the LDAP backend on srv (closed when the test ends,
// unless a read model took it over).
func openBackend(t testing.TB, srv *slapd.Server) *ldap.Directory {
	t.Helper()
	c := *ldap.NewConfig()
	c.URLs = []string{srv.URL}
	c.BindDN, c.BindPassword = srv.BindDN, srv.BindPassword
	c.BaseDN = srv.Suffix
	c.ExtraAttributes = []string{"employeeNumber", "departmentNumber"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := ldap.Open(ctx, c, directory.BackendEnv{Domain: "example.com", BaseDN: c.BaseDN, Log: testLogger()})
	if err != nil {
		t.Fatalf("ldap.Open: %v", err)
	}
	return d
}

// openModel opens a read model over a fresh backend on srv, waits until
// it serves, and closes it when the test ends.
func openModel(t testing.TB, srv *slapd.Server, maxLag time.Duration) (*readmodel.Directory, *ldap.Directory) {
	t.Helper()
	backend := openBackend(t, srv)
	feed, err := backend.ReadModelFeed()
	if err != nil {
		t.Fatal(err)
	}
	m := readmodel.New(backend, feed, readmodel.Config{MaxLag: maxLag, Log: testLogger()})
	t.Cleanup(func() { m.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.WaitServing(ctx); err != nil {
		t.Fatal(err)
	}
	return m, backend
}
