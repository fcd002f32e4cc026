package identity

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// HashingLimits bound the password work of the whole process: checking a
// password, hashing a new one, and the decoy work spent on logons of
// unknown, disabled or locked accounts.
type HashingLimits struct {
	// Concurrency is how many password operations run at once; 0 means
	// GOMAXPROCS (one per core the process may use).
	Concurrency int `mapstructure:"concurrency"`
	// Queue is how many more may wait for a turn; a request beyond them is
	// refused at once with ErrTooManyRequests. 0 means 4 × Concurrency,
	// and at least minQueue.
	Queue int `mapstructure:"queue"`
}

// withDefaults sizes what the configuration left at 0 to the machine.
func (l HashingLimits) withDefaults() HashingLimits {
	if l.Concurrency <= 0 {
		l.Concurrency = runtime.GOMAXPROCS(0)
	}
	if l.Queue <= 0 {
		l.Queue = max(4*l.Concurrency, minQueue)
	}
	return l
}

// minQueue is the shortest default queue: on a machine of one or two cores
// four per turn would refuse a legitimate burst of ten logons or creates
// (at ~30 ms a hash, sixteen wait half a second at most on one core).
const minQueue = 16

// hashingRetryAfter is what a refused client is told to wait: the queue
// drains in a fraction of a second, so the shortest wait the wire can say.
const hashingRetryAfter = time.Second

// HashingBound lets a bounded number of password operations run at once
// and a bounded number wait, and refuses the rest.
//
// It lives in the core, around the calls that reach the directory's
// password work (Authenticate, ChangePassword, SetPassword, ResetPassword,
// CreateUser and ModifyUser with a password, RefuseLogon), not inside the
// embedded store's hasher: every dialect and every backend passes here,
// the decoy work of a logon that cannot succeed is bounded by the same
// turns as a real check (so an attacker has no cheaper path, and the bound
// itself does not tell the two apart), and the refusal is the core's own
// ErrTooManyRequests, which every adapter already answers in its
// envelope. Each argon2id check holds 19 MiB for ~30 ms: unbounded, a few
// hundred concurrent logons took gigabytes and every core.
//
// One HashingBound is shared by every domain of a process: the memory and
// the cores are the machine's.
type HashingBound struct {
	turns   chan struct{}
	waiting atomic.Int64
	queue   int64
}

// NewHashingBound makes a bound of those limits (0s sized to the machine).
func NewHashingBound(l HashingLimits) *HashingBound {
	l = l.withDefaults()
	return &HashingBound{turns: make(chan struct{}, l.Concurrency), queue: int64(l.Queue)}
}

// Limits are the bound's limits, defaults filled in.
func (b *HashingBound) Limits() HashingLimits {
	return HashingLimits{Concurrency: cap(b.turns), Queue: int(b.queue)}
}

// Load is how many password operations are at work and how many wait.
func (b *HashingBound) Load() (running, waiting int) {
	return len(b.turns), int(b.waiting.Load())
}

// enter waits for a turn and returns the function that gives it back. A
// full queue is a *RetryAfterError at once; a caller that goes away while
// waiting gets ErrUnavailable.
func (b *HashingBound) enter(ctx context.Context) (leave func(), err error) {
	select {
	case b.turns <- struct{}{}:
		return b.leave, nil
	default:
	}
	if b.waiting.Add(1) > b.queue {
		b.waiting.Add(-1)
		return nil, &RetryAfterError{After: hashingRetryAfter, Reason: "hashing bound full"}
	}
	defer b.waiting.Add(-1)
	select {
	case b.turns <- struct{}{}:
		return b.leave, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: waiting for a turn at password hashing: %w", directory.ErrUnavailable, context.Cause(ctx))
	}
}

func (b *HashingBound) leave() { <-b.turns }

// hashing runs fn in a turn of the domain's bound.
func (d *Domain) hashing(ctx context.Context, fn func() error) error {
	leave, err := d.cfg.Hashing.enter(ctx)
	if err != nil {
		return err
	}
	defer leave()
	return fn()
}
