package ldap

import (
	"context"
	"encoding/base64"
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

// TestADFeedRefusedCookieReloads: a DirSync cookie the DC does not take
// (here, bytes of no DC's making) makes the feed load afresh — a reset
// and every entry put — rather than fail on every run.
func TestADFeedRefusedCookieReloads(t *testing.T) {
	srv := samba.Start(t)
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
	defer d.Close()
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
