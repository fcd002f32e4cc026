package ldap

import (
	"context"
	"errors"
	"maps"
	"slices"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// A call whose context has ended fails without running, even when an
// idle connection is at hand (a fast answer could otherwise beat the
// abort and succeed).
func TestCallWithAnEndedContextDoesNotRun(t *testing.T) {
	d := openOnPrivateSlapd(t, nil)
	callWithAnEndedContext(t, d.svc)
	callWithAnEndedContext(t, d.reads)
}

func callWithAnEndedContext[C pooled](t *testing.T, p *pool[C]) {
	if err := p.call(t.Context(), true, func(C) error { return nil }); err != nil {
		t.Fatal(err) // leaves an idle connection
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	ran := false
	err := p.call(ctx, true, func(C) error { ran = true; return nil })
	if ran || !errors.Is(err, directory.ErrUnavailable) || !errors.Is(err, context.Canceled) {
		t.Errorf("%s pool: ran %v, error %v", p.name, ran, err)
	}
}

// A call that breaks on a connection that had been idle runs once more on
// a new connection, not on another idle one: those are as old as the one
// that broke, and when the server went away they are as dead, though they
// pass the look at the socket on checkout until the server's close
// arrives.
func TestRetryRunsOnANewConnection(t *testing.T) {
	d := openOnPrivateSlapd(t, nil)
	retryOnANewConnection(t, d.svc)
	retryOnANewConnection(t, d.reads)
}

func retryOnANewConnection[C pooled](t *testing.T, p *pool[C]) {
	// At least two idle connections, each used before.
	var idle []C
	for range 2 {
		c, err := p.get(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		idle = append(idle, c)
	}
	for _, c := range idle {
		p.put(c, false)
	}
	p.mu.Lock()
	old := slices.Collect(maps.Keys(p.gens))
	p.mu.Unlock()

	var ran []C
	err := p.call(t.Context(), true, func(c C) error {
		ran = append(ran, c)
		if slices.Contains(old, c) {
			c.abort() // the server went away while it sat idle
		}
		_, err := c.Search(rootDSE("1.1"))
		return err
	})
	switch {
	case err != nil:
		t.Errorf("%s pool: %v", p.name, err)
	case len(ran) != 2:
		t.Errorf("%s pool: ran %d times, want a failure and a retry", p.name, len(ran))
	}
}
