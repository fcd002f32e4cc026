package readmodel_test

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"slices"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

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

// freshOU creates an empty OU under the suffix for one test and removes it
// with everything below when the test ends.
func freshOU(t testing.TB, srv *slapd.Server) string {
	t.Helper()
	conn := srv.Dial(t)
	dn := fmt.Sprintf("ou=t-%08x,%s", rand.Uint32(), srv.Suffix)
	req := goldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"organizationalUnit"})
	req.Attribute("ou", []string{dn[3:13]})
	if err := conn.Add(req); err != nil {
		t.Fatalf("creating %s: %v", dn, err)
	}
	t.Cleanup(func() {
		if !srv.Running() {
			return
		}
		if err := deleteTree(srv, dn); err != nil {
			t.Errorf("removing %s: %v", dn, err)
		}
	})
	return dn
}

func deleteTree(srv *slapd.Server, dn string) error {
	conn, err := goldap.DialURL(srv.URL)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.Bind(srv.BindDN, srv.BindPassword); err != nil {
		return err
	}
	res, err := conn.SearchWithPaging(goldap.NewSearchRequest(dn, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", []string{"1.1"}, nil), 500)
	if err != nil {
		return err
	}
	dns := make([]string, len(res.Entries))
	for i, e := range res.Entries {
		dns[i] = e.DN
	}
	slices.SortFunc(dns, func(a, b string) int { return depth(b) - depth(a) })
	for _, d := range dns {
		if err := conn.Del(goldap.NewDelRequest(d, nil)); err != nil && !goldap.IsErrorWithCode(err, goldap.LDAPResultNoSuchObject) {
			return fmt.Errorf("deleting %s: %w", d, err)
		}
	}
	return nil
}

func depth(dn string) int {
	p, err := goldap.ParseDN(dn)
	if err != nil {
		return 0
	}
	return len(p.RDNs)
}
