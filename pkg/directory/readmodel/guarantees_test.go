package readmodel_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// TestReadYourWrites: every write through the model is seen by the next
// read on it, answered by the model itself — attributes, a rename, a
// membership, a failed logon's lock.
func TestReadYourWrites(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Lockout: 2})
	m, _ := openModel(t, srv, time.Second)
	ctx := t.Context()
	base := srv.FreshOU(t)
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "ryw", Surname: "R", Password: "Secret-123"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "rywg"})
	if err != nil {
		t.Fatal(err)
	}
	served := func() int64 { return m.Stats().Served }
	for i := range 50 {
		want := fmt.Sprintf("title %d", i)
		if _, err := m.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{Title: &want}); err != nil {
			t.Fatal(err)
		}
		before := served()
		got, err := m.GetUser(ctx, directory.ByID(u.ID))
		if err != nil || got.Title != want {
			t.Fatalf("after update %d: got %v %v, want title %q", i, got, err, want)
		}
		if served() == before {
			t.Fatalf("after update %d: the read went to the directory", i)
		}
	}
	if _, err := m.RenameUser(ctx, directory.ByID(u.ID), "ryw2"); err != nil {
		t.Fatal(err)
	}
	if got, err := m.GetUser(ctx, directory.ByName("ryw2")); err != nil || got.ID != u.ID {
		t.Fatalf("after rename: %v %v", got, err)
	}
	if _, err := m.GetUser(ctx, directory.ByName("ryw")); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("old name after rename: %v, want ErrNotFound", err)
	}
	if err := m.AddMember(ctx, directory.ByID(g.ID), directory.PrincipalRef{Type: directory.PrincipalUser, Ref: directory.ByID(u.ID)}); err != nil {
		t.Fatal(err)
	}
	ms, err := m.MemberOf(ctx, directory.PrincipalRef{Type: directory.PrincipalUser, Ref: directory.ByID(u.ID)}, false)
	if err != nil || len(ms) != 1 || ms[0].Group.ID != g.ID {
		t.Fatalf("MemberOf after AddMember: %v %v", ms, err)
	}
	for range 2 {
		if _, err := m.VerifyPassword(ctx, directory.ByID(u.ID), "wrong"); !errors.Is(err, directory.ErrInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if got, err := m.GetUser(ctx, directory.ByID(u.ID)); err != nil || !got.Lock.Locked {
		t.Fatalf("after %d failed logons: %+v %v, want locked", 2, got, err)
	}
	if err := m.DeleteUser(ctx, directory.ByID(u.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.GetUser(ctx, directory.ByID(u.ID)); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("after delete: %v, want ErrNotFound", err)
	}
}

// TestOutsideChangesWithinASecond: a change made directly on slapd (as
// ldapmodify would) is answered by the model within a second, every time.
func TestOutsideChangesWithinASecond(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{})
	m, _ := openModel(t, srv, time.Second)
	ctx := t.Context()
	base := srv.FreshOU(t)
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "outside", Surname: "O"})
	if err != nil {
		t.Fatal(err)
	}
	conn := srv.Dial(t)
	var worst time.Duration
	for i := range 20 {
		want := fmt.Sprintf("changed elsewhere %d", i)
		mod := goldap.NewModifyRequest(u.DN, nil)
		mod.Replace("description", []string{want})
		if err := conn.Modify(mod); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for {
			got, err := m.GetUser(ctx, directory.ByID(u.ID))
			if err != nil {
				t.Fatal(err)
			}
			if got.Description == want {
				break
			}
			if time.Since(start) > time.Second {
				t.Fatalf("change %d not visible after 1 s", i)
			}
			time.Sleep(time.Millisecond)
		}
		worst = max(worst, time.Since(start))
	}
	t.Logf("slowest of 20 outside changes became visible after %s", worst)
	// And an entry added elsewhere is found by name.
	add := goldap.NewAddRequest("uid=added-elsewhere,"+base, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson"})
	add.Attribute("uid", []string{"added-elsewhere"})
	add.Attribute("cn", []string{"x"})
	add.Attribute("sn", []string{"x"})
	if err := conn.Add(add); err != nil {
		t.Fatal(err)
	}
	within(t, time.Second, "an entry added elsewhere found by name", func() bool {
		_, err := m.GetUser(ctx, directory.ByName("added-elsewhere"))
		return err == nil
	})
}

// TestStreamDownNeverStale: with slapd stopped (the stream down) or
// frozen (the model unable to prove itself fresh), the model stops
// answering within its bound, Health fails with ErrUnavailable, and reads
// go to the directory; after a restart the stream resumes from its cookie
// (no second load) and changes made meanwhile are there.
func TestStreamDownNeverStale(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{})
	const bound = 500 * time.Millisecond
	m, _ := openModel(t, srv, bound)
	ctx := t.Context()
	base := srv.FreshOU(t)
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "down", Surname: "D"})
	if err != nil {
		t.Fatal(err)
	}

	// Frozen: the stream's socket stays open, but freshness can no longer
	// be proved.
	if err := srv.Freeze(); err != nil {
		t.Fatal(err)
	}
	waitUnready(t, m, bound, 3*bound)
	before := m.Stats().Routed
	hctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, _ = m.GetUser(hctx, directory.ByID(u.ID))
	cancel()
	if m.Stats().Routed == before {
		t.Error("a read while the model is behind was not sent to the directory")
	}
	if err := srv.Thaw(); err != nil {
		t.Fatal(err)
	}
	waitServing(t, m)

	// Stopped: the stream breaks.
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	waitUnready(t, m, bound, 3*bound)
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	// A change made as soon as the server is back, before the stream
	// has resumed, must arrive too.
	conn := srv.Dial(t)
	mod := goldap.NewModifyRequest(u.DN, nil)
	mod.Replace("description", []string{"while away"})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	waitServing(t, m)
	waitResumed(t, m, u.ID, bound, true)
}

// waitUnready waits until the model stops answering (its stream down or
// its proof of freshness older than the bound) and checks that Health
// then fails.
func waitUnready(t *testing.T, m *readmodel.Directory, bound, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		if lag, ok := m.Lag(); !ok || lag > bound {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("model still answering %s after the server went away", within)
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	h, err := m.Health(ctx)
	if !errors.Is(err, directory.ErrUnavailable) {
		t.Fatalf("Health while the model does not answer: %v, want ErrUnavailable", err)
	}
	if h.ReadModel == nil || h.ReadModel.Serving {
		t.Fatalf("Health.ReadModel while the model does not answer: %+v, want not serving", h.ReadModel)
	}
}

func waitServing(t *testing.T, m *readmodel.Directory) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := m.WaitServing(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := m.Health(ctx)
	if err != nil {
		t.Fatalf("serving but unhealthy: %v", err)
	}
	if rm := h.ReadModel; rm == nil || !rm.Serving || !rm.Streaming || rm.Lag > rm.MaxLag {
		t.Fatalf("Health.ReadModel while serving: %+v", rm)
	}
}

// TestWithoutSyncprov: a server without the syncprov overlay offers no
// stream; the model stays off, the domain stays ready, and every read
// goes to the directory.
func TestWithoutSyncprov(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.SyncProv})
	backend := openBackend(t, srv)
	feed, err := backend.ReadModelFeed()
	if err != nil {
		t.Fatal(err)
	}
	m := readmodel.New(backend, feed, readmodel.Config{MaxLag: 200 * time.Millisecond, Log: testLogger()})
	t.Cleanup(func() { m.Close() })
	ctx := t.Context()
	deadline := time.Now().Add(5 * time.Second)
	for !m.Off() {
		if time.Now().After(deadline) {
			t.Fatal("the model did not turn off without syncprov")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := m.Health(ctx); err != nil {
		t.Fatalf("Health with the model off: %v", err)
	}
	if _, err := m.GetUser(ctx, directory.ByName("nobody")); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("GetUser: %v", err)
	}
	if s := m.Stats(); s.Served != 0 || s.Routed != 1 {
		t.Fatalf("stats %+v, want the one read routed", s)
	}
}

// TestConfigOpensReadModel: the ldap backend's readModel: on opens the
// backend wrapped in a read model, and off opens it bare.
func TestConfigOpensReadModel(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{})
	for _, mode := range []string{"on", "off"} {
		c := ldap.NewConfig()
		c.URLs = []string{srv.URL}
		c.BindDN, c.BindPassword = srv.BindDN, srv.BindPassword
		c.BaseDN = srv.Suffix
		c.ReadModel = mode
		d, err := c.Open(t.Context(), directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix, Log: testLogger()})
		if err != nil {
			t.Fatal(err)
		}
		_, isModel := d.(*readmodel.Directory)
		d.Close()
		if isModel != (mode == "on") {
			t.Errorf("readModel %s opened %T", mode, d)
		}
	}
}

// TestLockRunsOut: a temporary lock that has run out reads as unlocked
// from the model, as from the backend, though no change came in the
// stream (slapd lets the next good bind in without writing anything).
func TestLockRunsOut(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Lockout: 2, LockoutDuration: 2 * time.Second})
	m, backend := openModel(t, srv, time.Second)
	ctx := t.Context()
	base := srv.FreshOU(t)
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "runsout", Surname: "R", Password: "Secret-123"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, _ = m.VerifyPassword(ctx, directory.ByID(u.ID), "wrong")
	}
	got, err := m.GetUser(ctx, directory.ByID(u.ID))
	if err != nil || !got.Lock.Locked || got.Lock.Until.IsZero() {
		t.Fatalf("after failed logons: %+v %v, want a temporary lock", got.Lock, err)
	}
	time.Sleep(time.Until(got.Lock.Until) + 100*time.Millisecond)
	before := m.Stats().Served
	got, err = m.GetUser(ctx, directory.ByID(u.ID))
	want, wantErr := backend.GetUser(ctx, directory.ByID(u.ID))
	if err != nil || wantErr != nil || got.Lock != want.Lock || got.Lock.Locked {
		t.Fatalf("after the lock ran out: model %+v %v, backend %+v %v", got.Lock, err, want.Lock, wantErr)
	}
	if m.Stats().Served == before {
		t.Error("the read went to the directory")
	}
}

// TestAuthoritativeReadsGoToTheDirectory: a read that decides a write
// (directory.Authoritative) is answered by the server, so it sees a
// change made beside the model at once — another replica's create of the
// same name — where the model could still lag by its bound.
func TestAuthoritativeReadsGoToTheDirectory(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{})
	m, backend := openModel(t, srv, time.Second)
	ctx := t.Context()
	base := srv.FreshOU(t)
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "auth", Surname: "A"})
	if err != nil {
		t.Fatal(err)
	}
	check := directory.Authoritative(ctx)
	before := m.Stats()
	for i := range 20 {
		home := fmt.Sprintf("/home/elsewhere%d", i)
		if _, err := backend.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{HomeDirectory: &home}); err != nil {
			t.Fatal(err)
		}
		got, err := m.GetUser(check, directory.ByID(u.ID))
		if err != nil || got.HomeDirectory != home {
			t.Fatalf("change %d: authoritative GetUser gave %+v %v, want home %q", i, got, err, home)
		}
		page, err := m.SearchUsers(check, directory.Query{Filter: directory.Eq(directory.FieldHomeDirectory, home)})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != u.ID {
			t.Fatalf("change %d: authoritative search for the home gave %+v %v", i, page.Items, err)
		}
	}
	if after := m.Stats(); after.Served != before.Served || after.Routed != before.Routed+40 {
		t.Errorf("authoritative reads: served %d → %d, routed %d → %d; want every one routed", before.Served, after.Served, before.Routed, after.Routed)
	}
}
