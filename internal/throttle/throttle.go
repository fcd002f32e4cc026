// Package throttle limits failed credential checks per client address and
// per (account, address), so that one client can neither guess secrets
// quickly nor push an account to the directory's lockout threshold: a
// throttled attempt is refused before the secret is checked, so it never
// reaches the lockout counter.
//
// The limits are token buckets (golang.org/x/time/rate) of failures: a
// bucket holds Failures tokens and gains one every Refill; a failed check
// takes one, a successful check takes none. A check is allowed only while
// its buckets hold a token. Limits live in the process: every replica
// keeps its own (docs/security.md says what follows from that).
package throttle

import (
	"container/list"
	"net/netip"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limit is one token bucket of failures.
type Limit struct {
	// Failures is how many failures may happen in a row; 0 turns the
	// limit off.
	Failures int `mapstructure:"failures"`
	// Refill is how long it takes for one more failure to be allowed.
	Refill time.Duration `mapstructure:"refill"`
}

func (l Limit) on() bool { return l.Failures > 0 && l.Refill > 0 }

// Config is the `server.throttle` block.
type Config struct {
	// PerAddress bounds failures from one client address (an IPv6 client
	// counts by its /64), whatever the account or key: password spraying,
	// key guessing.
	PerAddress Limit `mapstructure:"perAddress"`
	// PerAccountAddress bounds failures on one account from one client
	// address. Keep Failures below the directory's lockout threshold, so a
	// client can never lock an account for its owner.
	PerAccountAddress Limit `mapstructure:"perAccountAddress"`
	// MaxTracked caps how many buckets are kept at once (each is a few
	// hundred bytes); past it the least recently used are forgotten.
	MaxTracked int `mapstructure:"maxTracked"`
}

// DefaultConfig: 20 failures per address, then one every 6 s; 3 failures
// per account and address, then one every 15 minutes (below a lockout
// threshold of 5 within the 15-minute failure window of the ppolicy
// default, schema/openldap/ppolicy-default.ldif); 100,000 buckets.
func DefaultConfig() Config {
	return Config{
		PerAddress:        Limit{Failures: 20, Refill: 6 * time.Second},
		PerAccountAddress: Limit{Failures: 3, Refill: 15 * time.Minute},
		MaxTracked:        100_000,
	}
}

// sweepPerCheck is how many least recently used buckets a check looks at
// for eviction: enough to keep up with the table's growth (a check adds at
// most two), few enough that a check stays cheap.
const sweepPerCheck = 4

// Limiter holds the buckets. The zero value is not usable; a nil *Limiter
// throttles nothing.
type Limiter struct {
	cfg Config
	now func() time.Time

	mu sync.Mutex
	// byKey indexes lru, whose front is the most recently used bucket.
	byKey map[key]*list.Element
	lru   *list.List
}

// key names a bucket: an address alone, or an account at an address.
type key struct {
	addr    string
	account string
}

// bucket is one tracked limit.
type bucket struct {
	key key
	lim *rate.Limiter
	// provenUntil: the account logged in from the address until then.
	// Such a pair is trusted with concurrent checks (a client making
	// parallel requests); any other pair gets one check in flight per
	// token, so concurrent failures cannot overrun the limit.
	provenUntil time.Time
	// inFlight counts the checks of an unproven pair under way, each
	// holding one of its tokens.
	inFlight int
}

// New returns a Limiter for cfg.
func New(cfg Config) *Limiter {
	return &Limiter{cfg: cfg, now: time.Now, byKey: map[key]*list.Element{}, lru: list.New()}
}

// Tracked is how many buckets are held now.
func (l *Limiter) Tracked() int {
	if l == nil {
		return 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}

// Attempt is one credential check allowed by the limiter. Exactly one of
// Failed, Succeeded or Abandoned is called when the check is over. Its
// methods do nothing on a nil *Attempt.
type Attempt struct {
	l       *Limiter
	address *bucket
	pair    *bucket
	// holding: the check holds one of the pair's tokens while in flight.
	holding bool
}

// Begin asks whether a client at addr (invalid for a unix socket: all
// local callers share one bucket) may have a secret checked now, for
// account ("" when the secret opens no account, e.g. an API key). When it
// may not, Begin returns how long to wait and no Attempt.
func (l *Limiter) Begin(addr netip.Addr, account string) (*Attempt, time.Duration) {
	if l == nil {
		return nil, 0
	}
	now := l.now()
	a := &Attempt{l: l}
	host := addressKey(addr)

	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(now)
	var wait time.Duration
	if l.cfg.PerAddress.on() {
		a.address = l.bucket(key{addr: host}, l.cfg.PerAddress)
		wait = untilTokens(a.address.lim, now, 1)
	}
	if wait == 0 && account != "" && l.cfg.PerAccountAddress.on() {
		a.pair = l.bucket(key{addr: host, account: account}, l.cfg.PerAccountAddress)
		if now.Before(a.pair.provenUntil) {
			wait = untilTokens(a.pair.lim, now, 1)
		} else if wait = untilTokens(a.pair.lim, now, 1+a.pair.inFlight); wait == 0 {
			a.pair.inFlight++
			a.holding = true
		} else if untilTokens(a.pair.lim, now, 1) == 0 {
			// Only checks in flight hold the tokens; they end soon.
			wait = time.Second
		}
	}
	if wait > 0 {
		return nil, wait
	}
	return a, 0
}

// Failed records a failed check: it takes a token from each bucket, even
// when concurrent failures have emptied it (the debt lengthens the wait).
func (a *Attempt) Failed() {
	if a == nil {
		return
	}
	now := a.l.now()
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	if a.address != nil {
		a.address.lim.ReserveN(now, 1)
	}
	if a.pair != nil {
		a.release()
		a.pair.lim.ReserveN(now, 1)
		a.pair.provenUntil = time.Time{}
	}
}

// Succeeded records a successful check: it costs nothing, and the account
// is trusted from this address with concurrent checks for a while.
func (a *Attempt) Succeeded() {
	if a == nil {
		return
	}
	now := a.l.now()
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	if a.pair != nil {
		a.release()
		a.pair.provenUntil = now.Add(a.l.cfg.PerAccountAddress.Refill)
	}
}

// Abandoned records a check that could not be made (the directory did not
// answer): it costs nothing.
func (a *Attempt) Abandoned() {
	if a == nil {
		return
	}
	a.l.mu.Lock()
	defer a.l.mu.Unlock()
	a.release()
}

// release gives back the pair's token held in flight. Callers hold l.mu.
func (a *Attempt) release() {
	if a.holding {
		a.pair.inFlight--
		a.holding = false
	}
}

// bucket returns the bucket of k, creating it full, and marks it used.
// Callers hold l.mu.
func (l *Limiter) bucket(k key, lim Limit) *bucket {
	if e, ok := l.byKey[k]; ok {
		l.lru.MoveToFront(e)
		return e.Value.(*bucket)
	}
	for l.lru.Len() >= max(l.cfg.MaxTracked, 1) {
		l.remove(l.lru.Back())
	}
	b := &bucket{key: k, lim: rate.NewLimiter(rate.Every(lim.Refill), lim.Failures)}
	l.byKey[k] = l.lru.PushFront(b)
	return b
}

// sweep forgets the least recently used buckets that are full again and
// not proven: they hold nothing a new bucket would not. Callers hold l.mu.
func (l *Limiter) sweep(now time.Time) {
	for range sweepPerCheck {
		e := l.lru.Back()
		if e == nil {
			return
		}
		b := e.Value.(*bucket)
		if b.inFlight > 0 || b.lim.TokensAt(now) < float64(b.lim.Burst()) || now.Before(b.provenUntil) {
			return
		}
		l.remove(e)
	}
}

func (l *Limiter) remove(e *list.Element) {
	delete(l.byKey, e.Value.(*bucket).key)
	l.lru.Remove(e)
}

// untilTokens is how long until lim holds n tokens (0: it does now).
func untilTokens(lim *rate.Limiter, now time.Time, n int) time.Duration {
	missing := float64(n) - lim.TokensAt(now)
	if missing <= 0 {
		return 0
	}
	return time.Duration(missing * float64(time.Second) / float64(lim.Limit()))
}

// addressKey is the bucket name of a client address: an IPv4 address
// itself, an IPv6 address by its /64 (one subscriber's network, which a
// client can rotate through freely), "local" for a unix socket.
func addressKey(addr netip.Addr) string {
	addr = addr.Unmap()
	switch {
	case !addr.IsValid():
		return "local"
	case addr.Is4():
		return addr.String()
	default:
		p, _ := addr.Prefix(64)
		return p.String()
	}
}
