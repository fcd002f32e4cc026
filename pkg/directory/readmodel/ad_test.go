package readmodel_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/directorytest"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// The read model on Active Directory (Samba's AD DC). A model opened as
// the domain's Administrator is fed by DirSync, one opened as a plain
// user by uSNChanged polling (openADModel checks which): the suites run on
// DirSync, and the guarantees that differ between the two ways (outside
// changes, moves, deletions, large groups) on both. Each test works below
// an OU of its own, the backend's base, as the DC is shared with other
// packages.

const adBound = 2 * time.Second // the documented bound on AD

// adOU creates an OU under the domain (or under parent), removed with everything below it
// when the test ends.
func adOU(t testing.TB, srv *samba.Server, parent ...string) string {
	t.Helper()
	under := srv.BaseDN
	if len(parent) > 0 {
		under = parent[0]
	}
	return srv.FreshOU(t, under)
}

// openADModel opens a read model over an "ad" backend with base as its
// base, reaching the DC at url (its LDAPS URL, or a proxy to it), and
// waits until it serves.
func openADModel(t testing.TB, srv *samba.Server, url, base string, maxLag time.Duration, opts ...func(*ldap.Config)) (*readmodel.Directory, *ldap.Directory) {
	t.Helper()
	c := *ldap.NewConfig()
	c.Profile = "ad"
	c.URLs = []string{url}
	c.BindDN, c.BindPassword = srv.AdminDN, srv.AdminPassword
	c.BaseDN = base
	c.TLS.CAFile, c.TLS.ServerName = srv.CAFile, srv.ServerName
	// One Samba DC serves every package's AD tests, which go test runs
	// side by side: under make test a subtree delete of the conformance
	// suite's cleanup has taken over the default 15 s. A test that is
	// about timeouts sets its own.
	c.RequestTimeout = time.Minute
	for _, o := range opts {
		o(&c)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	backend, err := ldap.Open(ctx, c, directory.BackendEnv{Domain: samba.DNSDomain, BaseDN: base, Log: testLogger()})
	if err != nil {
		t.Fatalf("ldap.Open: %v", err)
	}
	feed, err := backend.ReadModelFeed()
	if err != nil {
		t.Fatal(err)
	}
	m := readmodel.New(backend, feed, readmodel.Config{MaxLag: maxLag, Log: testLogger()})
	t.Cleanup(func() { m.Close() })
	if err := m.WaitServing(ctx); err != nil {
		t.Fatal(err)
	}
	want := feedPolling
	if _, granted := dirSyncGranted.Load(c.BindDN); granted || c.BindDN == srv.AdminDN {
		want = feedDirSync
	}
	if got := feed.(interface{ FeedName() string }).FeedName(); got != want {
		t.Fatalf("the model bound as %s is fed by %q, want %q", c.BindDN, got, want)
	}
	if h, _ := m.Health(ctx); h.ReadModel == nil || h.ReadModel.Feed != want {
		t.Fatalf("the health report names the feed %+v, want %q", h.ReadModel, want)
	}
	return m, backend
}

// dirSyncGranted holds the DNs of the accounts a test granted the
// Replicating Directory Changes right (the Administrator holds it).
var dirSyncGranted sync.Map

// The AD feed's names (pkg/directory/ldap, adfeed.go).
const (
	feedDirSync = "DirSync"
	feedPolling = "uSNChanged polling"
)

// TestADReadYourWrites: on AD too, every write through the model is seen
// by the next read, answered by the model itself — attributes, a rename,
// a membership, a failed logon's lock, a delete.
func TestADReadYourWrites(t *testing.T) {
	srv := samba.Start(t)
	base := adOU(t, srv)
	m, _ := openADModel(t, srv, srv.URL, base, adBound)
	ctx := t.Context()
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "ryw", Surname: "R", Password: "Secret-123x!"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := m.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "rywg"})
	if err != nil {
		t.Fatal(err)
	}
	served := func() int64 { return m.Stats().Served }
	var slowest time.Duration
	for i := range 20 {
		want := fmt.Sprintf("title %d", i)
		start := time.Now()
		if _, err := m.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{Title: &want}); err != nil {
			t.Fatal(err)
		}
		slowest = max(slowest, time.Since(start))
		before := served()
		got, err := m.GetUser(ctx, directory.ByID(u.ID))
		if err != nil || got.Title != want {
			t.Fatalf("after update %d: got %v %v, want title %q", i, got, err, want)
		}
		if served() == before {
			t.Fatalf("after update %d: the read went to the directory", i)
		}
	}
	t.Logf("slowest of 20 updates, waiting for its own effect: %s", slowest)
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
	ms, err := m.Members(ctx, directory.ByID(g.ID), false)
	if err != nil || len(ms) != 1 || ms[0].ID != u.ID {
		t.Fatalf("Members after AddMember: %+v %v", ms, err)
	}
	// The DC locks the account after LockoutThreshold failed binds
	// (lockoutTime, a replicated change): the next read on the model
	// shows it, answered by the model.
	for range srv.LockoutThreshold {
		if _, err := m.VerifyPassword(ctx, directory.ByID(u.ID), "wrong"); !errors.Is(err, directory.ErrInvalidCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	before := served()
	if got, err := m.GetUser(ctx, directory.ByID(u.ID)); err != nil || !got.Lock.Locked {
		t.Fatalf("after %d failed logons: %+v %v, want locked", srv.LockoutThreshold, got, err)
	}
	if served() == before {
		t.Fatal("the read after the lock went to the directory")
	}
	if err := m.DeleteUser(ctx, directory.ByID(u.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := m.GetUser(ctx, directory.ByID(u.ID)); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("after delete: %v, want ErrNotFound", err)
	}
	if ms, err := m.Members(ctx, directory.ByID(g.ID), false); err != nil || len(ms) != 0 {
		t.Fatalf("Members after the member's deletion: %+v %v, want none", ms, err)
	}
}

// TestADOutsideChangesWithinTwoSeconds: changes made directly on the DC
// (as AD tools would) — a modify, an add, a delete, a move of the OU
// holding a user — are answered by the model within the 2 s bound (on
// DirSync; TestADPlainAccount does the same on uSNChanged polling).
func TestADOutsideChangesWithinTwoSeconds(t *testing.T) {
	srv := samba.Start(t)
	base := adOU(t, srv)
	m, _ := openADModel(t, srv, srv.URL, base, adBound)
	outsideChanges(t, srv, m, m, base)
}

// outsideChanges makes changes on the DC directly and checks that m
// answers them within the bound; w (m, or another model when m's account
// may not write) creates the users they are made to.
func outsideChanges(t *testing.T, srv *samba.Server, m *readmodel.Directory, w directory.Directory, base string) {
	ctx := t.Context()
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	visible := func(what string, ok func() bool) time.Duration {
		t.Helper()
		return within(t, adBound, what+" visible", ok)
	}
	u, err := w.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "outside", Surname: "O"})
	if err != nil {
		t.Fatal(err)
	}
	var took []time.Duration
	for i := range 10 {
		want := fmt.Sprintf("changed elsewhere %d", i)
		mod := goldap.NewModifyRequest(u.DN, nil)
		mod.Replace("description", []string{want})
		if err := conn.Modify(mod); err != nil {
			t.Fatal(err)
		}
		took = append(took, visible(fmt.Sprintf("modify %d", i), func() bool {
			before := m.Stats().Served
			got, err := m.GetUser(ctx, directory.ByID(u.ID))
			return err == nil && got.Description == want && m.Stats().Served > before
		}))
	}
	slices.Sort(took)
	t.Logf("10 outside modifies became visible after p50 %s, max %s", took[len(took)/2], took[len(took)-1])

	add := goldap.NewAddRequest("CN=added-elsewhere,"+base, nil)
	add.Attribute("objectClass", []string{"user"})
	add.Attribute("sAMAccountName", []string{"added-elsewhere"})
	if err := conn.Add(add); err != nil {
		t.Fatal(err)
	}
	var added *directory.User
	t.Logf("an outside add became visible after %s", visible("add", func() bool {
		before := m.Stats().Served
		added, err = m.GetUser(ctx, directory.ByName("added-elsewhere"))
		return err == nil && m.Stats().Served > before
	}))
	if err := conn.Del(goldap.NewDelRequest("CN=added-elsewhere,"+base, nil)); err != nil {
		t.Fatal(err)
	}
	t.Logf("an outside delete became visible after %s", visible("delete", func() bool {
		before := m.Stats().Served
		_, err := m.GetUser(ctx, directory.ByID(added.ID))
		return errors.Is(err, directory.ErrNotFound) && m.Stats().Served > before
	}))

	// A moved OU: the user below it changes DN with no uSNChanged of its
	// own.
	sub := "OU=sub," + base
	req := goldap.NewAddRequest(sub, nil)
	req.Attribute("objectClass", []string{"organizationalUnit"})
	if err := conn.Add(req); err != nil {
		t.Fatal(err)
	}
	inner, err := w.CreateUser(ctx, directory.NewUser{ParentDN: sub, Username: "inner", Surname: "I"})
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.ModifyDN(goldap.NewModifyDNRequest(sub, "OU=moved", true, "")); err != nil {
		t.Fatal(err)
	}
	wantDN := "CN=inner,OU=moved," + base
	t.Logf("a user below a moved OU had its new DN after %s", visible("OU move", func() bool {
		got, err := m.GetUser(ctx, directory.ByID(inner.ID))
		return err == nil && directory.EqualDN(got.DN, wantDN)
	}))
	// Out of the base with the user below it, and back.
	outside := adOU(t, srv)
	if err := conn.ModifyDN(goldap.NewModifyDNRequest("OU=moved,"+base, "OU=moved", true, outside)); err != nil {
		t.Fatal(err)
	}
	t.Logf("a user below an OU moved out of the base was gone after %s", visible("OU moved out", func() bool {
		before := m.Stats().Served
		_, err := m.GetUser(ctx, directory.ByID(inner.ID))
		return errors.Is(err, directory.ErrNotFound) && m.Stats().Served > before
	}))
	if err := conn.ModifyDN(goldap.NewModifyDNRequest("OU=moved,"+outside, "OU=back", true, base)); err != nil {
		t.Fatal(err)
	}
	wantDN = "CN=inner,OU=back," + base
	t.Logf("a user below an OU moved into the base was there after %s", visible("OU moved in", func() bool {
		before := m.Stats().Served
		got, err := m.GetUser(ctx, directory.ByID(inner.ID))
		return err == nil && directory.EqualDN(got.DN, wantDN) && m.Stats().Served > before
	}))
}

// TestADDCAwayNeverStale: when the DC stops answering (every byte to it
// held), the model stops answering within its bound and /readyz's check
// fails; reads go to the directory. When it answers again, the model
// serves again, with the changes made meanwhile, resuming from its USN
// rather than reloading.
func TestADDCAwayNeverStale(t *testing.T) {
	srv := samba.Start(t)
	base := adOU(t, srv)
	p := newFreezer(t, "127.0.0.1:636")
	const bound = time.Second
	// Calls to a DC that does not answer fail after a second.
	m, _ := openADModel(t, srv, "ldaps://"+p.addr(), base, bound, func(c *ldap.Config) { c.RequestTimeout = time.Second })
	ctx := t.Context()
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "away", Surname: "A"})
	if err != nil {
		t.Fatal(err)
	}
	p.freeze(true)
	waitUnready(t, m, bound, 3*bound)
	before := m.Stats().Routed
	hctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	_, _ = m.GetUser(hctx, directory.ByID(u.ID))
	cancel()
	if m.Stats().Routed == before {
		t.Error("a read while the model is behind was not sent to the directory")
	}
	// A change made while the model cannot see the DC.
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mod := goldap.NewModifyRequest(u.DN, nil)
	mod.Replace("description", []string{"while away"})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	p.freeze(false)
	waitServing(t, m)
	waitResumed(t, m, u.ID, adBound, false)
}

// freezer is a TCP proxy that can hold every byte in both directions: a
// server that stops answering without closing its connections.
type freezer struct {
	ln     net.Listener
	mu     sync.Mutex
	frozen bool
	thawed chan struct{}
}

func newFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &freezer{ln: ln, thawed: make(chan struct{})}
	close(p.thawed)
	var conns sync.WaitGroup
	t.Cleanup(func() {
		p.freeze(false)
		ln.Close()
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			conns.Add(2)
			go func() { defer conns.Done(); p.pipe(s, c) }()
			go func() { defer conns.Done(); p.pipe(c, s) }()
		}
	}()
	return p
}

func (p *freezer) addr() string { return p.ln.Addr().String() }

func (p *freezer) freeze(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if on == p.frozen {
		return
	}
	p.frozen = on
	if on {
		p.thawed = make(chan struct{})
	} else {
		close(p.thawed)
	}
}

// pipe copies from src to dst, holding what it read while frozen.
func (p *freezer) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			ch := p.thawed
			p.mu.Unlock()
			<-ch
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if !errors.Is(err, io.EOF) {
				return
			}
			return
		}
	}
}

// TestADSameAnswers: TestSameAnswers on AD — random filters, names with
// metacharacters, sorting and paging boundaries, groups and memberships:
// the model answers exactly what the AD backend answers from the DC.
func TestADSameAnswers(t *testing.T) {
	srv := samba.Start(t)
	base := adOU(t, srv)
	m, backend := openADModel(t, srv, srv.URL, base, adBound)
	// Fewer queries are the model's on AD than on slapd: ids (sorted by
	// their bytes), whenCreated and whenChanged go to the DC.
	sameAnswers(t, m, backend, base, 6)
}

// TestADConformance runs the port's conformance suite on a read model over
// the AD backend, as TestConformance does on slapd; the model must have
// answered reads itself.
func TestADConformance(t *testing.T) {
	srv := samba.Start(t)
	base := adOU(t, srv)
	counters := adCounters(t, srv, base)
	var models []*readmodel.Directory
	directorytest.RunTests(t, func(t *testing.T) directorytest.Fixture {
		m, _ := openADModel(t, srv, srv.URL, base, adBound, func(c *ldap.Config) {
			c.CountersDN = counters
			c.ExtraAttributes = []string{"employeeNumber", "departmentNumber"}
		})
		models = append(models, m)
		sub := adOU(t, srv, base)
		return directorytest.Fixture{Dir: m, Base: sub}
	})
	var served, routed int64
	for _, m := range models {
		st := m.Stats()
		served += st.Served
		routed += st.Routed
	}
	t.Logf("reads answered by the model: %d, by the directory: %d", served, routed)
	if served == 0 {
		t.Fatal("the model answered no read")
	}
}

// adCounters makes the test's own uid/gid counters below base.
func adCounters(t testing.TB, srv *samba.Server, base string) string { return srv.Counters(t, base) }

// TestADPlainAccount: without the right to use DirSync the feed polls
// uSNChanged, which needs no right beyond reading. A model fed as a plain
// domain user (no administrative rights) sees changes made by others —
// modify, add, delete, OU moves in and out of the base — within the
// bound. Whether the account sees Deleted Objects decides how deletions
// are found (the Show Deleted search, or a listing of ids): the test says
// which it exercised.
func TestADPlainAccount(t *testing.T) {
	srv := samba.Start(t)
	base := adOU(t, srv)
	admin, _ := openADModel(t, srv, srv.URL, base, adBound)
	ctx := t.Context()
	const password = "Reader-123x!"
	reader, err := admin.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: fmt.Sprintf("rd%06x", rand.Uint32()&0xffffff), Surname: "R", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := openADModel(t, srv, srv.URL, base, adBound, func(c *ldap.Config) {
		c.BindDN, c.BindPassword = reader.DN, password
	})
	rc, err := goldap.DialURL(srv.URL, goldap.DialWithTLSConfig(mustTLS(t, srv)))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if err := rc.Bind(reader.DN, password); err != nil {
		t.Fatal(err)
	}
	// The polling feed's own check (usnfeed.go, deletedVisible).
	res, err := rc.Search(goldap.NewSearchRequest("<WKGUID=18e2ea80684f11d2b9aa00c04f79f805,"+srv.BaseDN+">",
		goldap.ScopeSingleLevel, goldap.NeverDerefAliases, 1, 0, false, "(isDeleted=TRUE)", []string{"objectGUID"},
		[]goldap.Control{goldap.NewControlMicrosoftShowDeleted()}))
	if res != nil && len(res.Entries) > 0 {
		t.Log("this DC shows deleted objects to a plain user: deletions found by the Show Deleted search")
	} else {
		t.Logf("no deleted object visible to a plain user (%v): deletions found by listing ids", err)
	}

	outsideChanges(t, srv, m, admin, base)
}

// TestADGrantedAccountUsesDirSync: a plain user granted Replicating
// Directory Changes on the domain, by the command docs/backends.md gives
// for Samba, is fed by DirSync (openADModel checks) and sees a change made
// on the DC.
func TestADGrantedAccountUsesDirSync(t *testing.T) {
	srv := samba.Start(t)
	base := adOU(t, srv)
	admin, _ := openADModel(t, srv, srv.URL, base, adBound)
	ctx := t.Context()
	const password = "Reader-123x!"
	reader, err := admin.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: fmt.Sprintf("gr%06x", rand.Uint32()&0xffffff), Surname: "G", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	tool, err := exec.LookPath("samba-tool")
	if err != nil {
		tool = "/usr/bin/samba-tool"
	}
	// Over LDAP with NTLM sign and seal, as the Administrator. The ACE
	// stays on the domain object, naming a SID that is gone once the
	// test's OU is.
	out, err := exec.CommandContext(ctx, tool, "dsacl", "set", "-H", "ldap://127.0.0.1",
		"-s", filepath.Join(srv.Dir, "etc", "smb.conf"), "--use-kerberos=off",
		"-W", samba.NetBIOS, "-U", "Administrator", "--password", srv.AdminPassword,
		"--car=get-changes", "--action=allow", "--objectdn="+srv.BaseDN, "--trusteedn="+reader.DN).CombinedOutput()
	if err != nil {
		t.Fatalf("samba-tool dsacl set: %v\n%s", err, out)
	}
	dirSyncGranted.Store(reader.DN, true)
	m, _ := openADModel(t, srv, srv.URL, base, adBound, func(c *ldap.Config) {
		c.BindDN, c.BindPassword = reader.DN, password
	})
	u, err := admin.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: fmt.Sprintf("gs%06x", rand.Uint32()&0xffffff), Surname: "S"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	mod := goldap.NewModifyRequest(u.DN, nil)
	mod.Replace("description", []string{"seen by DirSync"})
	if err := conn.Modify(mod); err != nil {
		t.Fatal(err)
	}
	t.Logf("an outside modify seen by the granted account's DirSync after %s", within(t, adBound, "the modify", func() bool {
		before := m.Stats().Served
		got, err := m.GetUser(ctx, directory.ByID(u.ID))
		return err == nil && got.Description == "seen by DirSync" && m.Stats().Served > before
	}))
}

func mustTLS(t *testing.T, srv *samba.Server) *tls.Config {
	t.Helper()
	c, err := srv.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
