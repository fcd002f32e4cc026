package ldap_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// slack is how much later than its deadline a failing call may return:
// scheduling on a loaded 2-core machine, never a hang.
const slack = 300 * time.Millisecond

// mustUser creates a user and fails the test if that does not work.
func mustUser(t *testing.T, d directory.Directory, parent, name string) *directory.User {
	t.Helper()
	u, err := d.CreateUser(t.Context(), directory.NewUser{ParentDN: parent, Username: name, Surname: "Fault",
		Password: "Fault-Tolerant-1"})
	if err != nil {
		t.Fatalf("CreateUser(%s): %v", name, err)
	}
	return u
}

// unavailableWithin runs call under a deadline and checks it fails with
// ErrUnavailable no later than the deadline plus slack.
func unavailableWithin(t *testing.T, what string, deadline time.Duration, call func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	err := call(ctx)
	took := time.Since(start)
	if !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("%s: got %v, want ErrUnavailable", what, err)
	}
	if took > deadline+slack {
		t.Errorf("%s: returned after %v, deadline %v", what, took, deadline)
	}
}

// eventually retries call until it succeeds or within passes.
func eventually(t *testing.T, what string, within time.Duration, call func(context.Context) error) {
	t.Helper()
	end := time.Now().Add(within)
	var err error
	for time.Now().Before(end) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = call(ctx)
		cancel()
		if err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: still failing after %v: %v", what, within, err)
}

// TestServerStopsAndReturns: calls fail with ErrUnavailable within their
// deadline while slapd is down, and succeed again once it is back, on the
// same Directory (no reopen).
func TestServerStopsAndReturns(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	c := config(srv, slapd.GroupOfNames)
	c.DialTimeout, c.RequestTimeout = time.Second, 2*time.Second
	d := open(t, c)
	base := srv.FreshOU(t)
	u := mustUser(t, d, base, "before")

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	ref := directory.ByID(u.ID)
	const deadline = 500 * time.Millisecond
	unavailableWithin(t, "GetUser", deadline, func(ctx context.Context) error {
		_, err := d.GetUser(ctx, ref)
		return err
	})
	unavailableWithin(t, "CreateUser", deadline, func(ctx context.Context) error {
		_, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "during", Surname: "x"})
		return err
	})
	unavailableWithin(t, "VerifyPassword", deadline, func(ctx context.Context) error {
		_, err := d.VerifyPassword(ctx, ref, "Fault-Tolerant-1")
		return err
	})
	unavailableWithin(t, "Health", deadline, func(ctx context.Context) error {
		_, err := d.Health(ctx)
		return err
	})
	unavailableWithin(t, "SearchUsers", deadline, func(ctx context.Context) error {
		_, err := d.SearchUsers(ctx, directory.Query{Base: base, Limit: 10})
		return err
	})
	// No deadline of the caller's own: the request timeout bounds it.
	start := time.Now()
	if _, err := d.GetUser(context.Background(), ref); !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("GetUser without deadline: %v, want ErrUnavailable", err)
	}
	if took := time.Since(start); took > c.RequestTimeout+slack {
		t.Errorf("GetUser without deadline took %v, request timeout %v", took, c.RequestTimeout)
	}

	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	back := time.Now()
	// Within the reconnect backoff's ceiling (1 s), plus a round trip.
	eventually(t, "Health after restart", 2*time.Second, func(ctx context.Context) error {
		_, err := d.Health(ctx)
		return err
	})
	t.Logf("healthy again %v after slapd returned", time.Since(back))
	if _, err := d.GetUser(t.Context(), ref); err != nil {
		t.Errorf("GetUser after restart: %v", err)
	}
	if _, err := d.VerifyPassword(t.Context(), ref, "Fault-Tolerant-1"); err != nil {
		t.Errorf("VerifyPassword after restart: %v", err)
	}
	mustUser(t, d, base, "after")
}

// TestServerHangs: a server that accepts but never answers (SIGSTOP) makes
// calls fail at their deadline, not hang; once it answers again, so do
// they.
func TestServerHangs(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	c := config(srv, slapd.GroupOfNames)
	c.DialTimeout, c.RequestTimeout = 500*time.Millisecond, time.Second
	d := open(t, c)
	base := srv.FreshOU(t)
	u := mustUser(t, d, base, "frozen")

	if err := srv.Freeze(); err != nil {
		t.Fatal(err)
	}
	thawed := false
	defer func() {
		if !thawed {
			_ = srv.Thaw()
		}
	}()
	const deadline = 300 * time.Millisecond
	for i := range 3 { // pooled connections, then new ones: each must give up in time
		unavailableWithin(t, fmt.Sprintf("GetUser #%d", i), deadline, func(ctx context.Context) error {
			_, err := d.GetUser(ctx, directory.ByID(u.ID))
			return err
		})
	}
	unavailableWithin(t, "VerifyPassword", deadline, func(ctx context.Context) error {
		_, err := d.VerifyPassword(ctx, directory.ByID(u.ID), "Fault-Tolerant-1")
		return err
	})
	unavailableWithin(t, "UpdateUser", deadline, func(ctx context.Context) error {
		_, err := d.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{Title: directory.Ptr("x")})
		return err
	})
	start := time.Now()
	if _, err := d.Health(context.Background()); !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("Health without deadline: %v, want ErrUnavailable", err)
	}
	if took := time.Since(start); took > c.RequestTimeout+slack {
		t.Errorf("Health without deadline took %v, request timeout %v", took, c.RequestTimeout)
	}

	if err := srv.Thaw(); err != nil {
		t.Fatal(err)
	}
	thawed = true
	eventually(t, "GetUser after thaw", 3*time.Second, func(ctx context.Context) error {
		_, err := d.GetUser(ctx, directory.ByID(u.ID))
		return err
	})
}

// TestFailover: with two URLs and the first one down, calls go to the
// second; when the serving provider goes away, the other takes over.
func TestFailover(t *testing.T) {
	servers := slapd.StartProviders(t, slapd.Options{Disable: slapd.TLS}, 2)
	a, b := servers[0], servers[1]
	dead := closedPort(t)

	t.Run("first URL down", func(t *testing.T) {
		c := config(a, slapd.GroupOfNames)
		c.URLs = []string{dead, a.URL}
		c.DialTimeout = time.Second
		d := open(t, c)
		h, err := d.Health(t.Context())
		if err != nil {
			t.Fatalf("Health: %v", err)
		}
		if h.Server != a.URL {
			t.Errorf("Health.Server = %s, want %s", h.Server, a.URL)
		}
		mustUser(t, d, a.FreshOU(t), "second-url")
		// The console shows each pool's connections: the check and the
		// create have opened some, and none is in use now.
		h, _ = d.Health(t.Context())
		pools := map[string]directory.PoolConnections{}
		for _, p := range h.Connections {
			pools[p.Pool] = p
		}
		if len(pools) != 3 || pools["service"].Open == 0 || pools["service"].Idle != pools["service"].Open {
			t.Errorf("Health.Connections = %+v, want the service, read and bind pools, the service pool open and idle", h.Connections)
		}
	})

	t.Run("serving provider goes away", func(t *testing.T) {
		c := config(a, slapd.GroupOfNames)
		c.URLs = []string{a.URL, b.URL}
		c.DialTimeout, c.RequestTimeout = time.Second, 2*time.Second
		d := open(t, c)
		base := a.FreshOU(t)
		u := mustUser(t, d, base, "replicated")
		// Wait until b holds the user, then take a away.
		bOnly := c
		bOnly.URLs = []string{b.URL}
		db := open(t, bOnly)
		eventually(t, "replication to b", 5*time.Second, func(ctx context.Context) error {
			_, err := db.GetUser(ctx, directory.ByID(u.ID))
			return err
		})
		if err := a.Stop(); err != nil {
			t.Fatal(err)
		}
		defer a.Start() //nolint:errcheck // restarted for the cleanups only
		// A read on a pooled connection to a fails, is retried once on a
		// fresh connection, which goes to b.
		got, err := d.GetUser(t.Context(), directory.ByID(u.ID))
		if err != nil {
			t.Fatalf("GetUser with the first provider down: %v", err)
		}
		if got.Username != "replicated" {
			t.Errorf("GetUser = %q", got.Username)
		}
		h, err := d.Health(t.Context())
		if err != nil || h.Server != b.URL {
			t.Errorf("Health = %+v, %v; want served by %s", h, err, b.URL)
		}
		mustUser(t, d, base, "on-b")
	})
}

// closedPort returns an ldap:// URL nobody listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "ldap://" + addr
}

// TestOpenWhileServerAway: a backend opened while slapd is down starts
// (reporting ErrUnavailable), then serves, and learns the lockout policy,
// once slapd is up.
func TestOpenWhileServerAway(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, Lockout: 7})
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	d := open(t, config(srv, slapd.GroupOfNames))
	if _, err := d.Health(t.Context()); !errors.Is(err, directory.ErrUnavailable) {
		t.Fatalf("Health with slapd down: %v", err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	eventually(t, "Health after slapd started", 3*time.Second, func(ctx context.Context) error {
		_, err := d.Health(ctx)
		return err
	})
	eventually(t, "lockout policy read", 3*time.Second, func(context.Context) error {
		if n := d.Capabilities().LockoutThreshold; n != 7 {
			return fmt.Errorf("LockoutThreshold %d", n)
		}
		return nil
	})
}
