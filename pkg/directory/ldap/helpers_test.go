package ldap_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// extraAttrs are the allow-listed extra attributes the tests configure:
// inetOrgPerson attributes, so any server has them.
var extraAttrs = []string{"employeeNumber", "departmentNumber"}

// config returns a backend configuration for srv.
func config(srv *slapd.Server, model slapd.GroupModel) ldap.Config {
	c := *ldap.NewConfig()
	c.URLs = []string{srv.URL}
	c.BindDN, c.BindPassword = srv.BindDN, srv.BindPassword
	c.BaseDN = srv.Suffix
	c.GroupModel = string(model)
	c.ExtraAttributes = extraAttrs
	return c
}

// open opens the backend on srv and closes it when the test ends.
func open(t testing.TB, c ldap.Config) *ldap.Directory {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := ldap.Open(ctx, c, directory.BackendEnv{Domain: "example.com", BaseDN: c.BaseDN, Log: testLogger()})
	if err != nil {
		t.Fatalf("ldap.Open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func testLogger() *slog.Logger {
	level := slog.LevelWarn
	if os.Getenv("DIRGATE_TEST_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
