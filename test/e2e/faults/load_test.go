package faults

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// writeLoad is several clients creating users as fast as dirgate answers,
// each name unique, until stopped.
type writeLoad struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
	mu     sync.Mutex
	done   []result
}

// startLoad starts workers clients; client(i) gives worker i its client,
// so a test can mix keep-alive and fresh-connection clients.
func startLoad(ctx context.Context, prefix string, workers int, client func(i int) *kanboard) *writeLoad {
	ctx, cancel := context.WithCancel(ctx)
	l := &writeLoad{cancel: cancel}
	for w := range workers {
		k := client(w)
		l.wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				// The request itself does not take ctx: stopping the load
				// lets the last requests finish instead of cutting them.
				r := k.createUser(context.WithoutCancel(ctx), fmt.Sprintf("%s-w%02d-%05d", prefix, w, n))
				l.mu.Lock()
				l.done = append(l.done, r)
				l.mu.Unlock()
				if r.outcome != acked {
					// A failure comes back at once while the directory is
					// away: pause as a client would before its next try,
					// rather than spin on the CPU the servers share.
					time.Sleep(10 * time.Millisecond)
				}
			}
		})
	}
	return l
}

// stop ends the load, waits for the last requests and returns every
// result in the order they started.
func (l *writeLoad) stop() []result {
	l.cancel()
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	slices.SortFunc(l.done, func(a, b result) int { return a.start.Compare(b.start) })
	return l.done
}

// runUntil lets the load run at least min and until it has made n
// requests, but no longer than max.
func (l *writeLoad) runUntil(ctx context.Context, n int, minFor, maxFor time.Duration) {
	start := time.Now()
	for ctx.Err() == nil && time.Since(start) < maxFor {
		l.mu.Lock()
		done := len(l.done)
		l.mu.Unlock()
		if done >= n && time.Since(start) >= minFor {
			return
		}
		wait(ctx, 50*time.Millisecond)
	}
}

// ackedSince counts acknowledged results that started at or after t.
func (l *writeLoad) ackedSince(t time.Time) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.done {
		if r.outcome == acked && !r.start.Before(t) {
			n++
		}
	}
	return n
}

// summary is what a test logs about a load.
type summary struct {
	total    int
	by       [outcomes]int
	p50, p99 time.Duration
	max      time.Duration
	slowest  result
	duration time.Duration
}

func summarize(rs []result) summary {
	s := summary{total: len(rs)}
	if len(rs) == 0 {
		return s
	}
	lat := make([]time.Duration, 0, len(rs))
	first, last := rs[0].start, rs[0].end()
	for _, r := range rs {
		s.by[r.outcome]++
		lat = append(lat, r.latency)
		if r.latency > s.max {
			s.max, s.slowest = r.latency, r
		}
		if r.end().After(last) {
			last = r.end()
		}
	}
	slices.Sort(lat)
	s.p50 = lat[len(lat)/2]
	s.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	s.duration = last.Sub(first)
	return s
}

func (s summary) failed() int { return s.total - s.by[acked] }

func (s summary) String() string {
	var parts []string
	for o := range outcomes {
		if s.by[o] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", outcome(o), s.by[o]))
		}
	}
	return fmt.Sprintf("%d requests in %v (%.0f/s): %s; latency p50 %v, p99 %v, max %v",
		s.total, s.duration.Round(time.Millisecond), float64(s.total)/s.duration.Seconds(), strings.Join(parts, ", "),
		s.p50.Round(100*time.Microsecond), s.p99.Round(100*time.Microsecond), s.max.Round(100*time.Microsecond))
}

// logFailures logs up to n of the requests that were not acknowledged,
// with what the client saw.
func logFailures(t *testing.T, rs []result, n int) {
	t.Helper()
	for _, r := range rs {
		if r.outcome == acked {
			continue
		}
		if n == 0 {
			return
		}
		n--
		t.Logf("  %s %s after %v: %.200s", r.name, r.outcome, r.latency.Round(time.Millisecond), r.detail)
	}
}

// ackedIDs maps each acknowledged username to the id dirgate answered.
func ackedIDs(rs []result) map[string]int64 {
	m := map[string]int64{}
	for _, r := range rs {
		if r.outcome == acked {
			m[r.name] = r.id
		}
	}
	return m
}

// wait sleeps d or until ctx ends.
func wait(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
