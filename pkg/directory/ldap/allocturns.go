package ldap

import (
	"context"
	"sync"

	"github.com/dirgate/dirgate/pkg/directory"
)

// allocTurns makes the allocations of one process take turns, per kind of
// number. The counter's compare-and-swap keeps numbers unique whatever
// races it, but a process racing itself only multiplies the attempts:
// with 16 creates at once, 15 lose each round, back off and try again,
// and every attempt costs a read, a search and a failed write (test/load:
// 11-16 ms of slapd CPU per create against 5-6 ms for a raw add). Taking
// turns, each allocation succeeds at its first attempt unless another
// process (a replica) got in between.
type allocTurns struct {
	once sync.Once
	turn map[directory.IDKind]chan struct{}
}

// take waits for the kind's turn, until ctx ends; the returned function
// ends the turn.
func (t *allocTurns) take(ctx context.Context, kind directory.IDKind) (func(), error) {
	t.once.Do(func() {
		t.turn = map[directory.IDKind]chan struct{}{
			directory.UIDSequence: make(chan struct{}, 1),
			directory.GIDSequence: make(chan struct{}, 1),
		}
	})
	ch, ok := t.turn[kind]
	if !ok {
		return nil, invalid("unknown id kind %q", kind)
	}
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, wrap(context.Cause(ctx), "waiting for the "+string(kind)+" counter")
	}
}
