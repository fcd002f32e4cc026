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

// within polls ok every few milliseconds until it holds and returns how
// long that took; past limit the test fails, saying what was awaited.
func within(t *testing.T, limit time.Duration, what string, ok func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !ok() {
		if time.Since(start) > limit {
			t.Fatalf("%s: not so after %s", what, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

// waitResumed waits until the change that set u's description to
// "while away" while the server was away is in the model, and checks the
// feed did not load the domain again. broke: the stream certainly broke
// (the server stopped), so it must have been restarted from its cookie;
// a server that only stalled may have kept the stream (an AD poll whose
// answer came late is not a break).
func waitResumed(t *testing.T, m *readmodel.Directory, id string, limit time.Duration, broke bool) {
	t.Helper()
	within(t, limit, "the change made while the server was away in the model", func() bool {
		got, err := m.GetUser(t.Context(), directory.ByID(id))
		return err == nil && got.Description == "while away"
	})
	if s := m.Stats(); s.Loads != 1 || (broke && s.Resumes < 1) {
		t.Errorf("the model was loaded %d times and resumed %d; the feed must resume from where it was", s.Loads, s.Resumes)
	}
}
