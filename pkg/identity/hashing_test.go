package identity_test

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// heldPasswords is an embedded store whose password operations wait until
// released, so a test can fill the hashing bound and look at it full. It
// counts how many run at once.
type heldPasswords struct {
	directory.Directory
	release      chan struct{}
	running, top atomic.Int64
}

func (h *heldPasswords) hold() func() {
	n := h.running.Add(1)
	for {
		top := h.top.Load()
		if n <= top || h.top.CompareAndSwap(top, n) {
			break
		}
	}
	<-h.release
	return func() { h.running.Add(-1) }
}

func (h *heldPasswords) VerifyPassword(ctx context.Context, ref directory.Ref, password string) (*directory.User, error) {
	defer h.hold()()
	return h.Directory.VerifyPassword(ctx, ref, password)
}

func (h *heldPasswords) SetPassword(ctx context.Context, ref directory.Ref, password string, mustChange bool) error {
	defer h.hold()()
	return h.Directory.SetPassword(ctx, ref, password, mustChange)
}

func (h *heldPasswords) ChangePassword(ctx context.Context, ref directory.Ref, oldPassword, newPassword string) error {
	defer h.hold()()
	return h.Directory.ChangePassword(ctx, ref, oldPassword, newPassword)
}

func (h *heldPasswords) CreateUser(ctx context.Context, nu directory.NewUser) (*directory.User, error) {
	if nu.Password != "" {
		defer h.hold()()
	}
	return h.Directory.CreateUser(ctx, nu)
}

// waitFor polls cond until it holds, failing the test after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// TestHashingBoundRefusesBeyondTheQueue: with two turns and a queue of
// three, five logons are let in (two at work, three waiting) and every
// password operation beyond them is refused at once with
// ErrTooManyRequests and a Retry-After; never more than two reach the
// directory at once, a second domain sharing the bound shares its turns,
// and once the turns come back the waiting ones finish and new ones are
// let in.
func TestHashingBoundRefusesBeyondTheQueue(t *testing.T) {
	const base = "dc=example,dc=com"
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, base)
	ctx := t.Context()
	alice, err := env.Dir.CreateUser(ctx, directory.NewUser{ParentDN: "ou=people," + base, Username: "alice", Surname: "A", Password: "Alice-Pw-1"})
	if err != nil {
		t.Fatal(err)
	}
	held := &heldPasswords{Directory: env.Dir, release: make(chan struct{})}
	bound := identity.NewHashingBound(identity.HashingLimits{Concurrency: 2, Queue: 3})
	if got := bound.Limits(); got != (identity.HashingLimits{Concurrency: 2, Queue: 3}) {
		t.Fatalf("Limits() = %+v", got)
	}
	quiet := slog.New(slog.DiscardHandler)
	dom := identity.NewDomain(identity.DomainConfig{Name: "example.com", Hashing: bound}, held, nil, quiet)
	other := identity.NewDomain(identity.DomainConfig{Name: "other.example.com", Hashing: bound}, held, nil, quiet)
	admin := identity.Caller{Name: "test", Dialect: "test"}

	var wg sync.WaitGroup
	results := make(chan error, 5)
	for i := range 5 {
		d := dom
		if i%2 == 1 {
			d = other
		}
		wg.Go(func() {
			_, err := d.Authenticate(ctx, admin, directory.ByName("alice"), "Alice-Pw-1")
			results <- err
		})
	}
	waitFor(t, "two logons at work and three waiting", func() bool {
		running, waiting := bound.Load()
		return running == 2 && waiting == 3 && held.running.Load() == 2
	})

	refused := map[string]func() error{
		"Authenticate": func() error {
			_, err := dom.Authenticate(ctx, admin, directory.ByName("alice"), "Alice-Pw-1")
			return err
		},
		"Authenticate in the other domain": func() error {
			_, err := other.Authenticate(ctx, admin, directory.ByName("nobody"), "whatever")
			return err
		},
		"RefuseLogon": func() error { return dom.RefuseLogon(ctx, admin, "nobody", "whatever") },
		"SetPassword": func() error { return dom.SetPassword(ctx, admin, directory.ByID(alice.ID), "New-Pw-123456", false) },
		"ChangePassword": func() error {
			return dom.ChangePassword(ctx, admin, directory.ByID(alice.ID), "Alice-Pw-1", "New-Pw-123456")
		},
		"ResetPassword": func() error {
			_, err := dom.ResetPassword(ctx, admin, directory.ByID(alice.ID))
			return err
		},
		"CreateUser with a password": func() error {
			_, err := dom.CreateUser(ctx, admin, directory.NewUser{Username: "bob", Surname: "B", Password: "Bob-Pw-1234567"})
			return err
		},
		"ModifyUser with a password": func() error {
			pw := "New-Pw-123456"
			_, err := dom.ModifyUser(ctx, admin, directory.ByID(alice.ID), identity.UserChange{Password: &pw})
			return err
		},
	}
	for name, call := range refused {
		err := call()
		if !errors.Is(err, identity.ErrTooManyRequests) {
			t.Errorf("%s with the bound full: %v, want ErrTooManyRequests", name, err)
			continue
		}
		if s, ok := identity.RetryAfter(err); !ok || s != 1 {
			t.Errorf("%s: RetryAfter = %d, %v; want 1 s", name, s, ok)
		}
	}
	// Work without a password is not bounded.
	if _, err := dom.CreateUser(ctx, admin, directory.NewUser{Username: "carol", Surname: "C"}); err != nil {
		t.Errorf("CreateUser without a password with the bound full: %v", err)
	}

	close(held.release)
	wg.Wait()
	close(results)
	for err := range results {
		if err != nil {
			t.Errorf("a logon let in: %v", err)
		}
	}
	if top := held.top.Load(); top != 2 {
		t.Errorf("%d password operations reached the directory at once, want at most (and here exactly) 2", top)
	}
	if running, waiting := bound.Load(); running != 0 || waiting != 0 {
		t.Errorf("after the logons: %d running, %d waiting", running, waiting)
	}
	if _, err := dom.Authenticate(ctx, admin, directory.ByName("alice"), "Alice-Pw-1"); err != nil {
		t.Errorf("a logon after the flood: %v", err)
	}
}

// TestHashingBoundGivesUpWithTheCaller: a caller that goes away while
// waiting for a turn leaves the queue with ErrUnavailable and never
// reaches the directory.
func TestHashingBoundGivesUpWithTheCaller(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, "dc=example,dc=com")
	held := &heldPasswords{Directory: env.Dir, release: make(chan struct{})}
	bound := identity.NewHashingBound(identity.HashingLimits{Concurrency: 1, Queue: 1})
	dom := identity.NewDomain(identity.DomainConfig{Name: "example.com", Hashing: bound}, held, nil, slog.New(slog.DiscardHandler))
	c := identity.Caller{Name: "test", Dialect: "test"}

	done := make(chan error, 1)
	go func() { done <- dom.RefuseLogon(t.Context(), c, "nobody", "first") }()
	waitFor(t, "the first logon at work", func() bool { return held.running.Load() == 1 })

	ctx, cancel := context.WithCancel(t.Context())
	gaveUp := make(chan error, 1)
	go func() {
		_, err := dom.Authenticate(ctx, c, directory.ByName("nobody"), "second")
		gaveUp <- err
	}()
	waitFor(t, "the second logon waiting", func() bool { _, waiting := bound.Load(); return waiting == 1 })
	cancel()
	if err := <-gaveUp; !errors.Is(err, directory.ErrUnavailable) {
		t.Errorf("a logon whose caller went away while waiting: %v, want ErrUnavailable", err)
	}
	if _, waiting := bound.Load(); waiting != 0 {
		t.Errorf("%d still waiting after the caller went away", waiting)
	}
	close(held.release)
	if err := <-done; !errors.Is(err, directory.ErrInvalidCredentials) {
		t.Errorf("RefuseLogon: %v, want ErrInvalidCredentials", err)
	}
	if top := held.top.Load(); top != 1 {
		t.Errorf("%d password operations reached the directory, want 1", top)
	}
}

// TestHashingLimitsDefaults: limits left at 0 are sized to the machine —
// a turn per core the process may use, and four waiting per turn, at
// least sixteen.
func TestHashingLimitsDefaults(t *testing.T) {
	got := identity.NewHashingBound(identity.HashingLimits{}).Limits()
	n := runtime.GOMAXPROCS(0)
	if want := (identity.HashingLimits{Concurrency: n, Queue: max(4*n, 16)}); got != want {
		t.Errorf("default limits %+v, want %+v", got, want)
	}
}
