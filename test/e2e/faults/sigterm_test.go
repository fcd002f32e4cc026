package faults

import (
	"errors"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// shutdownGrace is the grace the SIGTERM test configures.
const shutdownGrace = 3 * time.Second

// TestSIGTERMUnderWriteLoad sends SIGTERM to dirgate while eight clients
// create users through the Kanboard dialect, half on keep-alive
// connections, half on a new connection per request, and keep going after
// the signal. The requests in flight must complete with a whole answer,
// every later one must be refused before any byte of an answer (connection
// refused, or a kept-alive connection closed), and dirgate must exit 0
// within server.shutdownGrace; every acknowledged user must be in the
// directory.
func TestSIGTERMUnderWriteLoad(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF})
	tok := token()
	cfg := ldapConfig(t, srv, []string{srv.URL}, tok, map[string]any{
		"server": map[string]any{"shutdownGrace": shutdownGrace.String()},
	})
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})

	const workers = 8
	load := startLoad(t.Context(), "sigterm", workers, func(i int) *kanboard { return newKanboard(p.URL, tok, i%2 == 0) })
	wait(t.Context(), 1500*time.Millisecond)
	closed := make(chan time.Duration, 1)
	signalled := time.Now()
	go func() { closed <- listenerClosed(p.Listen, signalled, shutdownGrace) }()
	p.Signal(syscall.SIGTERM)
	code := p.Wait(shutdownGrace + 5*time.Second)
	exited := time.Since(signalled)
	wait(t.Context(), 300*time.Millisecond) // the clients meet the closed port
	results := load.stop()

	s := summarize(results)
	var lastAnswer time.Duration
	var inflightBy, afterBy [outcomes]int
	for _, r := range results {
		switch {
		case r.start.Before(signalled) && r.end().After(signalled):
			inflightBy[r.outcome]++
			if r.outcome == acked {
				lastAnswer = max(lastAnswer, r.end().Sub(signalled))
			}
		case !r.start.Before(signalled):
			afterBy[r.outcome]++
		}
	}
	t.Logf("load: %d clients (half keep-alive), SIGTERM after 1.5 s: %s", workers, s)
	t.Logf("in flight at the signal: %d answered in full (the last %v after the signal), %d dropped unread",
		inflightBy[acked], lastAnswer.Round(time.Millisecond), inflightBy[dropped])
	t.Logf("main listener refusing connections %v after the signal", (<-closed).Round(100*time.Microsecond))
	t.Logf("sent after the signal: %d refused, %d dropped unanswered, %d served",
		afterBy[refused], afterBy[dropped], afterBy[acked])
	t.Logf("exit code %d, %v after SIGTERM (grace %v)", code, exited.Round(time.Millisecond), shutdownGrace)

	if code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
	if exited > shutdownGrace {
		t.Errorf("exited %v after SIGTERM, beyond the grace of %v", exited, shutdownGrace)
	}
	if inflightBy[acked] == 0 {
		t.Errorf("no request was in flight at the signal and answered: the test proves nothing")
	}
	for _, r := range results {
		switch {
		case r.outcome == half || r.outcome == other:
			t.Errorf("%s: %s after %v: %.200s", r.name, r.outcome, r.latency, r.detail)
		case r.outcome == declined:
			t.Errorf("%s was answered with a failure during shutdown: %.200s", r.name, r.detail)
		case r.outcome == acked && r.start.After(signalled.Add(slack)):
			// Well after the signal: the listener must be closed by now.
			t.Errorf("%s, sent %v after SIGTERM, was still served", r.name, r.start.Sub(signalled))
		}
	}
	if afterBy[refused] == 0 {
		t.Errorf("no request met a closed port after the signal")
	}
	ackedUsers := ackedIDs(results)
	lost := checkAcked(t, "slapd", ackedUsers, directoryUsers(t, srv))
	t.Logf("%d acknowledged writes, %d missing from the directory", len(ackedUsers), lost)
}

// TestSIGTERMWithTheDirectoryHung sends SIGTERM while every client waits
// on a hung slapd: dirgate must still exit 0 once server.shutdownGrace is
// over, closing the connections of the requests that could not finish
// without half an answer.
func TestSIGTERMWithTheDirectoryHung(t *testing.T) {
	const grace = 2 * time.Second
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF})
	tok := token()
	cfg := ldapConfig(t, srv, []string{srv.URL}, tok, map[string]any{
		"server": map[string]any{"shutdownGrace": grace.String()},
	})
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})

	const workers = 8
	load := startLoad(t.Context(), "sigterm-hung", workers, func(i int) *kanboard { return newKanboard(p.URL, tok, i%2 == 0) })
	wait(t.Context(), time.Second)
	if err := srv.Freeze(); err != nil {
		load.stop()
		t.Fatal(err)
	}
	wait(t.Context(), 200*time.Millisecond) // every client is now waiting on slapd
	signalled := time.Now()
	p.Signal(syscall.SIGTERM)
	code := p.Wait(grace + 5*time.Second)
	exited := time.Since(signalled)
	results := load.stop()
	if err := srv.Thaw(); err != nil {
		t.Fatal(err)
	}

	var inflight [outcomes]int
	for _, r := range results {
		if r.start.Before(signalled) && r.end().After(signalled) {
			inflight[r.outcome]++
		}
		if r.outcome == half || r.outcome == other {
			t.Errorf("%s: %s after %v: %.200s", r.name, r.outcome, r.latency, r.detail)
		}
	}
	t.Logf("slapd hung, SIGTERM with grace %v: exit code %d after %v; in flight: %d dropped at the end of the grace, %d answered",
		grace, code, exited.Round(time.Millisecond), inflight[dropped], inflight[acked]+inflight[declined])
	if code != 0 {
		t.Errorf("exit code %d, want 0", code)
	}
	if exited > grace+slack {
		t.Errorf("exited %v after SIGTERM, grace %v", exited, grace)
	}
	if inflight[dropped] == 0 {
		t.Errorf("no request was waiting on slapd at the signal: the test proves nothing")
	}
}

// listenerClosed dials addr every millisecond from since on until the
// connection is refused, and returns how long that took (limit if never).
func listenerClosed(addr string, since time.Time, limit time.Duration) time.Duration {
	for time.Since(since) < limit {
		c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond)
		if errors.Is(err, syscall.ECONNREFUSED) {
			return time.Since(since)
		}
		if err == nil {
			c.Close()
		}
		time.Sleep(time.Millisecond)
	}
	return limit
}
