package logons_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"
)

// probe sends a request built by next every interval until ctx ends and
// returns how long each took to be answered; an answer other than 200 or
// none fails the test.
func probe(ctx context.Context, t *testing.T, s *stack, what string, interval time.Duration, next func() *http.Request) []time.Duration {
	c := newClient()
	var took []time.Duration
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return took
		case <-tick.C:
		}
		req := next()
		start := time.Now()
		resp, err := c.Do(req)
		if err != nil {
			t.Errorf("%s during the flood: %v", what, err)
			continue
		}
		resp.Body.Close()
		took = append(took, time.Since(start))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s during the flood: HTTP %d", what, resp.StatusCode)
		}
	}
}

// floodClients is how many bogus logins are in flight at once: the
// attacker's figure that took the unbounded process to 5.4 GB.
const floodClients = 256

// TestLoginFloodIsBounded: 256 clients send logins of users that do not
// exist to the quick start's OpenAPI POST /api/login, each as soon as the
// last was answered, for 6 s. The process's peak resident memory (VmHWM)
// stays under 300 MiB; meanwhile /healthz and an authenticated read on
// another dialect (Kanboard getUserByName with the API token) are answered
// 200 within 1 s every time; and every login is answered either as a
// wrong password (401) or refused with 429 and a Retry-After of whole
// seconds — the bound refused some, and let some through.
func TestLoginFloodIsBounded(t *testing.T) {
	s := quickStart(t)
	s.must(t, s.kanboardRead(t, "admin"), http.StatusOK)
	before := vmHWM(t, s.proc.PID())

	const floodFor = 6 * time.Second
	flooded := attack(t, orders{URL: s.proc.URL, Clients: floodClients, Duration: floodFor})
	ctx, cancel := context.WithTimeout(t.Context(), floodFor)
	defer cancel()
	var health, reads []time.Duration
	var probes sync.WaitGroup
	probes.Go(func() {
		health = probe(ctx, t, s, "GET /healthz", 50*time.Millisecond, func() *http.Request {
			return s.request(t, http.MethodGet, "/healthz", "", nil)
		})
	})
	probes.Go(func() {
		reads = probe(ctx, t, s, "Kanboard getUserByName", 50*time.Millisecond, func() *http.Request {
			return s.kanboardRead(t, "admin")
		})
	})
	probes.Wait()
	res := flooded(false)
	peak := vmHWM(t, s.proc.PID())

	t.Logf("flood answers %v; VmHWM %d MiB before, %d MiB after", res.Statuses, before>>20, peak>>20)
	t.Logf("/healthz: %s", latencies(health))
	t.Logf("Kanboard read: %s", latencies(reads))
	if peak > 300<<20 {
		t.Errorf("peak resident memory %d MiB under the flood, want under 300 MiB", peak>>20)
	}
	for what, took := range map[string][]time.Duration{"/healthz": health, "Kanboard read": reads} {
		if len(took) < 10 {
			t.Errorf("%s: only %d answers during the flood", what, len(took))
		} else if slowest := slices.Max(took); slowest >= time.Second {
			t.Errorf("%s: slowest answer %v during the flood, want under 1 s", what, slowest)
		}
	}
	if res.Failures > 0 {
		t.Errorf("%d logins got no answer, first: %v", res.Failures, res.FirstFailure)
	}
	for status, n := range res.Statuses {
		if status != http.StatusUnauthorized && status != http.StatusTooManyRequests {
			t.Errorf("%d logins answered HTTP %d: %s", n, status, res.Bodies[status])
		}
	}
	if res.Statuses[http.StatusTooManyRequests] == 0 || res.Statuses[http.StatusUnauthorized] == 0 {
		t.Errorf("answers %v: want some logins refused (429) and some checked (401)", res.Statuses)
	}
	if res.BadRetryAfter > 0 {
		t.Errorf("%d answers 429 without a Retry-After of whole seconds ≥ 1", res.BadRetryAfter)
	}
}

// latencies sums up answer times: count, median, 99th percentile, slowest.
func latencies(took []time.Duration) string {
	if len(took) == 0 {
		return "no answers"
	}
	s := slices.Clone(took)
	slices.Sort(s)
	q := func(p float64) time.Duration {
		return s[min(len(s)-1, int(p*float64(len(s))))].Round(100 * time.Microsecond)
	}
	return fmt.Sprintf("%d answers, median %v, p99 %v, slowest %v", len(s), q(0.5), q(0.99), s[len(s)-1].Round(100*time.Microsecond))
}
