package ldap

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestAllocationsTakeTurns(t *testing.T) {
	var turns allocTurns
	ctx := t.Context()
	done, err := turns.take(ctx, directory.UIDSequence)
	if err != nil {
		t.Fatal(err)
	}
	// The other kind has its own turn.
	other, err := turns.take(ctx, directory.GIDSequence)
	if err != nil {
		t.Fatal(err)
	}
	other()
	// The same kind waits, until the context gives up...
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if _, err := turns.take(short, directory.UIDSequence); !errors.Is(err, directory.ErrUnavailable) {
		t.Fatalf("a second turn while the first is held: %v, want ErrUnavailable", err)
	}
	// ...or the first turn ends.
	got := make(chan error, 1)
	go func() {
		next, err := turns.take(ctx, directory.UIDSequence)
		if err == nil {
			next()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("the second turn began before the first ended: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	done()
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if _, err := turns.take(ctx, "nonsense"); !errors.Is(err, directory.ErrInvalidInput) {
		t.Errorf("unknown kind: %v", err)
	}
}
