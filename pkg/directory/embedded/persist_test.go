package embedded

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// TestReopenKeepsEverything writes one of everything, closes the store,
// opens it again and finds everything as it was.
func TestReopenKeepsEverything(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := testConfig()
	env := directory.BackendEnv{Domain: "example.com", BaseDN: "dc=Example,dc=COM", DataDir: dir, Log: quiet}
	d, err := open(ctx, c, env)
	if err != nil {
		t.Fatal(err)
	}
	if d.BaseDN() != "dc=Example,dc=COM" {
		t.Errorf("BaseDN() = %q, want the configured spelling", d.BaseDN())
	}
	ou, err := d.CreateOU(ctx, directory.NewOU{ParentDN: "ou=people,dc=example,dc=com", Name: "Team", Protected: true, City: "Köln"})
	must(t, err)
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: ou.DN, Username: "jürgen", UIDNumber: 1001, GIDNumber: 1000,
		Mobile: []string{"1", "2"}, Password: "pw-1", MustChangePassword: true, Attributes: map[string][]string{"pager": {"42"}}})
	must(t, err)
	g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: "ou=groups,dc=example,dc=com", Name: "staff", GIDNumber: 1000,
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(u.ID))}})
	must(t, err)
	n, err := d.AllocateID(ctx, directory.UIDSequence, directory.Range{Min: 5000, Max: 6000})
	must(t, err)
	for range 5 {
		d.VerifyPassword(ctx, directory.ByID(u.ID), "wrong") //nolint:errcheck // locks the account
	}
	before, _ := d.GetUser(ctx, directory.ByID(u.ID))
	if !before.Lock.Locked {
		t.Fatal("the account did not lock")
	}
	must(t, d.Close())
	if _, err := d.GetUser(ctx, directory.ByID(u.ID)); !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("GetUser after Close = %v, want ErrUnavailable", err)
	}

	d = openTest(t, c, dir)
	after, err := d.GetUser(ctx, directory.ByName("JÜRGEN"))
	must(t, err)
	if after.ID != u.ID || after.DN != u.DN || !after.Lock.Locked || !after.MustChangePassword ||
		after.Attributes["pager"][0] != "42" || len(after.Mobile) != 2 || !after.Created.Equal(u.Created) {
		t.Errorf("after reopening: %+v\nbefore: %+v", after, before)
	}
	must(t, d.Unlock(ctx, directory.ByID(u.ID)))
	if _, err := d.VerifyPassword(ctx, directory.ByID(u.ID), "pw-1"); err != nil {
		t.Errorf("the password does not verify after reopening: %v", err)
	}
	o, err := d.GetOU(ctx, directory.ByID(ou.ID))
	if err != nil || !o.Protected || o.City != "Köln" {
		t.Errorf("OU after reopening: %+v, %v", o, err)
	}
	ms, err := d.Members(ctx, directory.ByID(g.ID), false)
	if err != nil || len(ms) != 1 || ms[0].ID != u.ID {
		t.Errorf("members after reopening: %+v, %v", ms, err)
	}
	next, err := d.AllocateID(ctx, directory.UIDSequence, directory.Range{Min: 5000, Max: 6000})
	if err != nil || next != n+1 {
		t.Errorf("AllocateID after reopening = %d, %v; want %d", next, err, n+1)
	}
	checkInvariants(t, d)
}

func TestOpenTwiceIsRefused(t *testing.T) {
	dir := t.TempDir()
	openTest(t, NewConfig(), dir)
	start := time.Now()
	_, err := open(context.Background(), NewConfig(), directory.BackendEnv{Domain: "example.com", BaseDN: "dc=example,dc=com", DataDir: dir, Log: quiet})
	if !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("a second open of one file = %v, want ErrUnavailable", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Error("the second open hung")
	}
}

func TestOpenWithAnotherBaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	d := openTest(t, NewConfig(), dir)
	must(t, d.Close())
	_, err := open(context.Background(), NewConfig(), directory.BackendEnv{Domain: "example.com", BaseDN: "dc=other,dc=org", DataDir: dir, Log: quiet})
	if !errors.Is(err, directory.ErrInvalidInput) {
		t.Errorf("opening with another base DN = %v, want ErrInvalidInput", err)
	}
}

func TestFirstOpenCreatesDefaultContainers(t *testing.T) {
	d := openTest(t, NewConfig(), t.TempDir())
	ous, err := d.ListOUs(context.Background(), "", directory.ScopeOneLevel)
	must(t, err)
	if len(ous) != 2 || ous[0].Name != "groups" || ous[1].Name != "people" {
		t.Errorf("a new directory has the OUs %+v, want groups and people", ous)
	}
	if _, err := filepath.Abs(d.path); err != nil || filepath.Base(d.path) != "example.com.db" {
		t.Errorf("path %q", d.path)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
