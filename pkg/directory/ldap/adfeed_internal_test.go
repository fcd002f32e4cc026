package ldap

import (
	"context"
	"encoding/base64"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// recordingSink keeps what a feed told it.
type recordingSink struct {
	mu     sync.Mutex
	resets int
	puts   map[string]bool
	synced chan string // cookies of refreshed Synced calls
}

func (s *recordingSink) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resets++
}

func (s *recordingSink) Put(e readmodel.Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.puts[e.ID] = true
}
func (s *recordingSink) Remove(string)                {}
func (s *recordingSink) RemoveAbsent(map[string]bool) {}
func (s *recordingSink) Synced(cookie string, _ readmodel.Position, refreshed bool) {
	if refreshed {
		select {
		case s.synced <- cookie:
		default:
		}
	}
}

// openADInternal opens the ad backend as the Administrator on a fresh OU
// of srv, its base.
func openADInternal(t *testing.T, srv *samba.Server) (*Directory, string) {
	t.Helper()
	base := srv.FreshOU(t, srv.BaseDN)
	c := *NewConfig()
	c.Profile = "ad"
	c.URLs = []string{srv.URL}
	c.BindDN, c.BindPassword = srv.AdminDN, srv.AdminPassword
	c.BaseDN = base
	c.TLS.CAFile, c.TLS.ServerName = srv.CAFile, srv.ServerName
	c.RequestTimeout = time.Minute
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	d, err := Open(ctx, c, directory.BackendEnv{Domain: samba.DNSDomain, BaseDN: base})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d, base
}

// TestADFeedWholeMembers: a group entry whose members came in a first
// range (as a Windows DC cuts a group past MaxValRange; Samba does so only
// when asked, so the test asks for a range of two) is completed by the
// feed, range by range from the DC, into one member attribute.
func TestADFeedWholeMembers(t *testing.T) {
	srv := samba.Start(t)
	d, base := openADInternal(t, srv)
	ctx := t.Context()
	var refs []directory.PrincipalRef
	var dns []string
	for i := range 5 {
		u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: fmt.Sprintf("wm%d", i), Surname: "W"})
		if err != nil {
			t.Fatal(err)
		}
		refs = append(refs, directory.PrincipalRef{Type: directory.PrincipalUser, Ref: directory.ByID(u.ID)})
		dns = append(dns, strings.ToLower(u.DN))
	}
	g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "wm", Members: refs})
	if err != nil {
		t.Fatal(err)
	}
	e, err := d.readEntry(ctx, g.DN, "(objectClass=*)", []string{"objectGUID", "member;range=0-1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, more := rangeValues(e, "member"); !more {
		t.Fatalf("the DC sent no first range: %v", e.Attributes)
	}
	if err := newADFeed(d).wholeMembers(ctx, e); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range e.Attributes {
		if strings.Contains(a.Name, ";") {
			t.Errorf("a ranged attribute is left: %s", a.Name)
		}
		if strings.EqualFold(a.Name, "member") {
			for _, v := range a.Values {
				got = append(got, strings.ToLower(v))
			}
		}
	}
	slices.Sort(got)
	slices.Sort(dns)
	if !slices.Equal(got, dns) {
		t.Fatalf("members after completion: %v, want %v", got, dns)
	}
}

// TestADFeedRefusedCookieReloads: a DirSync cookie the DC does not take
// (here, bytes of no DC's making) makes the feed load afresh — a reset
// and every entry put — rather than fail on every run.
func TestADFeedRefusedCookieReloads(t *testing.T) {
	srv := samba.Start(t)
	d, base := openADInternal(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "cookie-user", Surname: "C"})
	if err != nil {
		t.Fatal(err)
	}
	f := newADFeed(d)
	sink := &recordingSink{puts: map[string]bool{}, synced: make(chan string, 1)}
	bad := dirSyncCookiePrefix + base64.StdEncoding.EncodeToString([]byte("no DC made this cookie, not at all")) + "|" + usnCookie("CN=elsewhere", 1)
	done := make(chan error, 1)
	go func() { done <- f.Run(ctx, bad, sink) }()
	var cookie string
	select {
	case cookie = <-sink.synced:
	case err := <-done:
		t.Fatalf("the feed gave up on a refused cookie: %v", err)
	case <-ctx.Done():
		t.Fatal("no refreshed Synced after a refused cookie")
	}
	cancel()
	<-done
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if sink.resets != 1 || !sink.puts[u.ID] {
		t.Fatalf("after a refused cookie: %d resets, user put: %v; want a reset and a load", sink.resets, sink.puts[u.ID])
	}
	if cookie == bad || f.FeedName() != "DirSync" {
		t.Fatalf("feed %q, cookie %q: want DirSync with a cookie of its own", f.FeedName(), cookie)
	}
}

// TestADFeedNeverAsksForSecrets: both ways of the AD feed ask for the
// attributes the mappings read, never a password, a hash or every
// attribute (docs/security.md, "Read model on Active Directory"): with
// DirSync the DC would hand out any non-secret attribute of the domain
// whatever its read permissions, so the list is the bound.
func TestADFeedNeverAsksForSecrets(t *testing.T) {
	srv := samba.Start(t)
	d, _ := openADInternal(t, srv)
	f := newADFeed(d)
	ds := &dirSyncChanges{f: f}
	for name, attrs := range map[string][]string{"DirSync": ds.attrs(), "polling": f.attrs()} {
		if len(attrs) == 0 {
			t.Fatalf("%s asks for no attribute", name)
		}
		for _, a := range attrs {
			switch strings.ToLower(a) {
			case "*", "+", "unicodepwd", "userpassword", "supplementalcredentials", "dbcspwd", "ntpwdhistory", "lmpwdhistory":
				t.Errorf("%s asks for %q (all: %v)", name, a, attrs)
			}
		}
	}
}
