package embedded

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// clock is a settable time for lockout tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// lockoutStore opens a store with the lockout policy and a fake clock, and
// one user "u" with password "right".
func lockoutStore(t *testing.T, threshold int, duration time.Duration) (*Directory, *clock, directory.Ref) {
	t.Helper()
	c := NewConfig()
	c.LockoutThreshold, c.LockoutDuration = threshold, duration
	d := openTest(t, c, t.TempDir())
	clk := &clock{t: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC)}
	d.now = clk.now
	u, err := d.CreateUser(context.Background(), directory.NewUser{ParentDN: "ou=people,dc=example,dc=com", Username: "u", Password: "right"})
	must(t, err)
	return d, clk, directory.ByID(u.ID)
}

func fail(t *testing.T, d *Directory, ref directory.Ref, times int) {
	t.Helper()
	for range times {
		if _, err := d.VerifyPassword(context.Background(), ref, "wrong"); !errors.Is(err, directory.ErrInvalidCredentials) && !errors.Is(err, directory.ErrAccountLocked) {
			t.Fatalf("a wrong password: %v", err)
		}
	}
}

func TestLockoutEndsAfterDuration(t *testing.T) {
	ctx := context.Background()
	d, clk, ref := lockoutStore(t, 3, 10*time.Minute)
	fail(t, d, ref, 3)
	u, _ := d.GetUser(ctx, ref)
	lockedAt := clk.now()
	if !u.Lock.Locked || !u.Lock.Since.Equal(lockedAt) || !u.Lock.Until.Equal(lockedAt.Add(10*time.Minute)) {
		t.Fatalf("after 3 failures: %+v", u.Lock)
	}
	clk.advance(9 * time.Minute)
	if _, err := d.VerifyPassword(ctx, ref, "right"); !errors.Is(err, directory.ErrAccountLocked) {
		t.Fatalf("9 minutes into a 10 minute lock: %v", err)
	}
	clk.advance(time.Minute)
	if u, _ := d.GetUser(ctx, ref); u.Lock.Locked {
		t.Fatalf("the lock did not end after 10 minutes: %+v", u.Lock)
	}
	p, _ := d.SearchUsers(ctx, directory.Query{Filter: directory.BoolEq(directory.FieldLocked, true)})
	if p.Total != 0 {
		t.Errorf("an expired lock is still found by locked=true")
	}
	// After an expired lock, failures count afresh.
	fail(t, d, ref, 2)
	if u, _ := d.GetUser(ctx, ref); u.Lock.Locked {
		t.Fatal("2 failures after an expired lock locked the account again")
	}
	if _, err := d.VerifyPassword(ctx, ref, "right"); err != nil {
		t.Fatalf("the right password after the lock ended: %v", err)
	}
	checkInvariants(t, d)
}

func TestLockoutWithoutDurationLastsUntilUnlock(t *testing.T) {
	ctx := context.Background()
	d, clk, ref := lockoutStore(t, 2, 0)
	fail(t, d, ref, 2)
	clk.advance(365 * 24 * time.Hour)
	if _, err := d.VerifyPassword(ctx, ref, "right"); !errors.Is(err, directory.ErrAccountLocked) {
		t.Fatalf("a year later: %v, want still locked", err)
	}
	if u, _ := d.GetUser(ctx, ref); !u.Lock.Until.IsZero() {
		t.Errorf("a lock without duration has Until %v", u.Lock.Until)
	}
	must(t, d.Unlock(ctx, ref))
	if _, err := d.VerifyPassword(ctx, ref, "right"); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}
}

func TestLockoutOff(t *testing.T) {
	ctx := context.Background()
	d, _, ref := lockoutStore(t, 0, time.Minute)
	before, _ := d.GetUser(ctx, ref)
	fail(t, d, ref, 10)
	after, _ := d.GetUser(ctx, ref)
	if after.Lock.Locked || !after.Modified.Equal(before.Modified) {
		t.Errorf("with lockout off, failures changed the account: %+v", after.Lock)
	}
	if d.Capabilities().LockoutThreshold != 0 {
		t.Error("Capabilities().LockoutThreshold is not 0 with lockout off")
	}
}

// A logon of an unknown user fails like a wrong password and takes as long.
// The fastest of a few tries is compared, which a busy machine's stalls do
// not move.
func TestVerifyUnknownUser(t *testing.T) {
	d, _, ref := lockoutStore(t, 10, time.Minute)
	ctx := context.Background()
	fastest := func(r directory.Ref) (time.Duration, error) {
		best, last := time.Duration(1<<62), error(nil)
		for range 3 {
			start := time.Now()
			_, last = d.VerifyPassword(ctx, r, "wrong")
			best = min(best, time.Since(start))
		}
		return best, last
	}
	known, errKnown := fastest(ref)
	unknown, errUnknown := fastest(directory.ByName("nobody"))
	if !errors.Is(errKnown, directory.ErrInvalidCredentials) || !errors.Is(errUnknown, directory.ErrInvalidCredentials) ||
		errors.Is(errUnknown, directory.ErrNotFound) {
		t.Errorf("wrong password: %v; unknown user: %v; want both ErrInvalidCredentials only", errKnown, errUnknown)
	}
	if unknown < known/3 {
		t.Errorf("an unknown user fails in %v, a wrong password in %v: the difference tells who exists", unknown, known)
	}
}

// Sorting by lock state (which changes with the clock) is not cached.
func TestSortByLockState(t *testing.T) {
	ctx := context.Background()
	d, clk, ref := lockoutStore(t, 2, time.Minute)
	for _, name := range []string{"a", "z"} {
		_, err := d.CreateUser(ctx, directory.NewUser{ParentDN: "ou=people,dc=example,dc=com", Username: name})
		must(t, err)
	}
	fail(t, d, ref, 2)
	q := directory.Query{Sort: []directory.SortKey{{Field: directory.FieldLocked, Descending: true}}, Limit: 2}
	order := func() []string {
		p, err := d.SearchUsers(ctx, q)
		must(t, err)
		if p.Total != 3 {
			t.Fatalf("Total %d, want 3", p.Total)
		}
		return names(p.Items)
	}
	if got := order(); len(got) != 2 || got[0] != "u" || got[1] != "a" {
		t.Errorf("sorted by locked, descending: %q, want [u a]", got)
	}
	clk.advance(time.Minute)
	if got := order(); len(got) != 2 || got[0] != "a" || got[1] != "u" {
		t.Errorf("after the lock ended: %q, want [a u] (by username)", got)
	}
}
