package throttle

import (
	"fmt"
	"net/netip"
	"testing"
	"time"
)

// clock is a settable time source for the limiter.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newTestLimiter(cfg Config) (*Limiter, *clock) {
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := New(cfg)
	l.now = c.now
	return l, c
}

var (
	attacker = netip.MustParseAddr("192.0.2.1")
	owner    = netip.MustParseAddr("198.51.100.7")
)

// fail runs n failed checks and reports how many the limiter allowed.
func fail(l *Limiter, addr netip.Addr, account string, n int) (allowed int) {
	for range n {
		a, _ := l.Begin(addr, account)
		if a == nil {
			continue
		}
		allowed++
		a.Failed()
	}
	return allowed
}

func TestAccountBudgetIsPerAddress(t *testing.T) {
	l, _ := newTestLimiter(DefaultConfig())
	if got := fail(l, attacker, "admin", 100); got != 3 {
		t.Fatalf("%d failures reached the directory, want 3", got)
	}
	a, wait := l.Begin(attacker, "admin")
	if a != nil || wait <= 14*time.Minute || wait > 15*time.Minute {
		t.Fatalf("after the budget: attempt %v, wait %s; want none and about 15m", a, wait)
	}
	// The owner, elsewhere, is not held back by the attacker.
	if a, wait := l.Begin(owner, "admin"); a == nil {
		t.Fatalf("owner throttled for %s", wait)
	}
}

func TestRefill(t *testing.T) {
	l, clk := newTestLimiter(DefaultConfig())
	fail(l, attacker, "admin", 3)
	clk.advance(15 * time.Minute)
	if got := fail(l, attacker, "admin", 10); got != 1 {
		t.Fatalf("after one refill period %d failures allowed, want 1", got)
	}
}

// TestSuccessCostsNothing: neither a success nor a check the directory
// could not answer costs a token, from a new pair or a proven one, even
// when the check takes a while.
func TestSuccessCostsNothing(t *testing.T) {
	l, clk := newTestLimiter(DefaultConfig())
	for i := range 1000 {
		for _, who := range []netip.Addr{owner, attacker} {
			a, wait := l.Begin(who, "admin")
			if a == nil {
				t.Fatalf("check %d throttled for %s", i, wait)
			}
			clk.advance(time.Millisecond)
			if who == owner {
				a.Succeeded()
			} else {
				a.Abandoned()
			}
		}
	}
	if got := fail(l, attacker, "admin", 10); got != 3 {
		t.Fatalf("after 1000 unanswered checks, %d failures allowed; want the whole budget of 3", got)
	}
}

// TestConcurrentFailuresCannotOverrun: checks in flight hold a token each,
// so a burst of parallel wrong passwords is cut at the budget, not after.
func TestConcurrentFailuresCannotOverrun(t *testing.T) {
	l, _ := newTestLimiter(DefaultConfig())
	var inFlight []*Attempt
	for range 50 {
		if a, _ := l.Begin(attacker, "admin"); a != nil {
			inFlight = append(inFlight, a)
		}
	}
	if len(inFlight) != 3 {
		t.Fatalf("%d concurrent checks let through, want 3", len(inFlight))
	}
	// Held back only by checks in flight: told to come back soon.
	if _, wait := l.Begin(attacker, "admin"); wait != time.Second {
		t.Fatalf("wait behind checks in flight %s, want 1s", wait)
	}
	for _, a := range inFlight {
		a.Failed()
	}
	if a, _ := l.Begin(attacker, "admin"); a != nil {
		t.Fatal("a check allowed after the budget was spent")
	}
}

// TestProvenPairMayRunInParallel: once the account logged in from an
// address, parallel requests from there are not held to one per token.
func TestProvenPairMayRunInParallel(t *testing.T) {
	l, _ := newTestLimiter(DefaultConfig())
	a, _ := l.Begin(owner, "svc")
	a.Succeeded()
	var inFlight []*Attempt
	for range 10 {
		a, wait := l.Begin(owner, "svc")
		if a == nil {
			t.Fatalf("parallel check of a proven pair throttled for %s", wait)
		}
		inFlight = append(inFlight, a)
	}
	for _, a := range inFlight {
		a.Succeeded()
	}
	// A failure ends the trust: concurrent checks are held again.
	a, _ = l.Begin(owner, "svc")
	a.Failed()
	var held int
	for range 10 {
		if a, _ := l.Begin(owner, "svc"); a != nil {
			held++
		}
	}
	if held != 2 {
		t.Fatalf("%d checks in flight after a failure, want the 2 tokens left", held)
	}
}

func TestAddressBudgetSpansAccounts(t *testing.T) {
	l, _ := newTestLimiter(DefaultConfig())
	allowed := 0
	for i := range 100 {
		allowed += fail(l, attacker, fmt.Sprintf("user%d", i), 1)
	}
	if allowed != 20 {
		t.Fatalf("password spraying: %d failures allowed, want 20", allowed)
	}
	if a, wait := l.Begin(attacker, ""); a != nil || wait <= 0 || wait > 6*time.Second {
		t.Fatalf("API key check from a throttled address: %v, wait %s", a, wait)
	}
}

func TestIPv6CountsByPrefix(t *testing.T) {
	l, _ := newTestLimiter(DefaultConfig())
	allowed := 0
	for i := range 100 {
		allowed += fail(l, netip.MustParseAddr(fmt.Sprintf("2001:db8:1:2::%x", i+1)), "", 1)
	}
	if allowed != 20 {
		t.Fatalf("one /64: %d failures allowed, want 20", allowed)
	}
	if a, _ := l.Begin(netip.MustParseAddr("2001:db8:1:3::1"), ""); a == nil {
		t.Fatal("another /64 throttled")
	}
}

// TestTableStaysBounded: rotating addresses and account names cannot grow
// the table past MaxTracked, and full buckets are forgotten as they go.
func TestTableStaysBounded(t *testing.T) {
	cfg := DefaultConfig()
	cfg.MaxTracked = 500
	l, clk := newTestLimiter(cfg)
	for i := range 20_000 {
		addr := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		fail(l, addr, fmt.Sprintf("user%d", i), 1)
		if n := l.Tracked(); n > cfg.MaxTracked {
			t.Fatalf("%d buckets tracked after %d clients, cap %d", n, i+1, cfg.MaxTracked)
		}
	}
	// Long after the flood, checks sweep out the buckets that refilled.
	clk.advance(time.Hour)
	for range 200 {
		a, _ := l.Begin(owner, "")
		a.Succeeded()
	}
	if n := l.Tracked(); n > 10 {
		t.Fatalf("%d buckets still tracked an hour after the flood", n)
	}
}

func TestNilLimiterThrottlesNothing(t *testing.T) {
	var l *Limiter
	a, wait := l.Begin(attacker, "admin")
	if a != nil || wait != 0 {
		t.Fatalf("nil limiter: %v %s", a, wait)
	}
	a.Failed() // must not panic
}
