package directory

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"time"
)

// LogonPace makes a logon that a backend refuses without checking its
// password — no such user, a disabled or a locked account — take as long
// as one with a wrong password, so that its time does not tell what its
// answer does not. The backend spends comparable work on it first (a
// decoy hash, a decoy bind), but a wrong password also costs what that
// work cannot stand for: counting the failure (a write to disk, or the
// directory server's), and with LDAP the server's own hash check. The
// backend records, for each wrong password, how long it took from a point
// that both kinds of logon reach at the same cost; a refused logon then
// waits from that point until it has taken as long.
//
// The zero LogonPace is ready; it is safe for concurrent use.
type LogonPace struct {
	mu sync.Mutex
	// wrong holds how long the last wrong passwords took from that point.
	wrong [15]time.Duration
	n     int
}

// WrongPassword records that a logon that was at the common point at since
// has just been refused for a wrong password.
func (p *LogonPace) WrongPassword(since time.Time) {
	took := time.Since(since)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.wrong[p.n%len(p.wrong)] = took
	p.n++
}

// typical is the median of the last wrong passwords' times: one slowed by
// a busy machine, or the first on a cold server, moves it not at all. 0
// before the first.
func (p *LogonPace) typical() time.Duration {
	p.mu.Lock()
	s := slices.Clone(p.wrong[:min(p.n, len(p.wrong))])
	p.mu.Unlock()
	if len(s) == 0 {
		return 0
	}
	slices.Sort(s)
	return s[len(s)/2]
}

// spinUnder is how close to its end a wait stops sleeping and yields
// instead: a timer on a busy machine fires up to a millisecond late, as
// long as the whole gap on a fast directory server.
const spinUnder = 2 * time.Millisecond

// WaitOut returns once a refused logon that was at the common point at
// since has taken from there what a wrong password takes, or ctx ends.
func (p *LogonPace) WaitOut(ctx context.Context, since time.Time) {
	end := since.Add(p.typical())
	if sleep := time.Until(end) - spinUnder; sleep > 0 {
		t := time.NewTimer(sleep)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return
		}
	}
	// The last stretch yields to every other goroutine rather than
	// sleeping: precise to microseconds, at the cost of at most spinUnder
	// of a core (the core runs logons within its hashing bound).
	for time.Now().Before(end) && ctx.Err() == nil {
		runtime.Gosched()
	}
}
