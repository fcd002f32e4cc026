package faults

import (
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestSlapdKilledUnderWriteLoad kills slapd (SIGKILL) under eight clients
// creating users through the Kanboard dialect, keeps it away for 1.5 s,
// starts it again on the same data and checks that: every write dirgate
// acknowledged is in the directory with the number dirgate answered; no
// request waited longer than the backend's request timeout; dirgate, never
// restarted, is ready and serving within 2 s of slapd's return; and every
// answer was whole.
func TestSlapdKilledUnderWriteLoad(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF})
	tok := token()
	p := e2eutil.Start(t, e2eutil.Options{Config: ldapConfig(t, srv, []string{srv.URL}, tok, nil)})

	const workers = 8
	load := startLoad(t.Context(), "kill", workers, func(int) *kanboard { return newKanboard(p.URL, tok, true) })
	wait(t.Context(), time.Second)
	killed := time.Now()
	srv.Kill()
	unready := awaitUnready(t, p, killed, 1500*time.Millisecond)
	wait(t.Context(), 1500*time.Millisecond-time.Since(killed))
	if err := srv.Start(); err != nil {
		load.stop()
		t.Fatalf("restarting slapd: %v", err)
	}
	back := time.Now()
	rec := awaitRecovery(t, p, newKanboard(p.URL, tok, false), back, 5*time.Second)
	wait(t.Context(), time.Second)
	results := load.stop()

	s := summarize(results)
	t.Logf("load: %d clients, slapd killed after 1 s for %v: %s", workers, back.Sub(killed).Round(time.Millisecond), s)
	t.Logf("/readyz 503 %v after the kill", unready.Round(time.Millisecond))
	t.Logf("recovery after slapd's return: /readyz 200 after %v, first acknowledged createUser after %v",
		rec.ready.Round(time.Millisecond), rec.served.Round(time.Millisecond))

	if unready >= 1500*time.Millisecond {
		t.Errorf("/readyz still answered 200 1.5 s after slapd was killed")
	}
	if rec.ready > 2*time.Second || rec.served > 2*time.Second {
		t.Errorf("dirgate took more than 2 s to serve again (ready %v, served %v)", rec.ready, rec.served)
	}
	if !p.Running() {
		t.Errorf("dirgate did not keep running through the outage")
	}
	if s.max > requestTimeout+slack {
		t.Errorf("the slowest request took %v (%s, %s), above the request timeout %v", s.max, s.slowest.name,
			s.slowest.outcome, requestTimeout)
	}
	if s.by[half]+s.by[other] > 0 {
		t.Errorf("%d answers were not whole and %d requests hung or failed oddly", s.by[half], s.by[other])
		logFailures(t, results, 10)
	}
	var late []result
	for _, r := range results {
		if r.outcome != acked && r.start.After(back.Add(2*time.Second)) {
			late = append(late, r)
		}
	}
	if len(late) > 0 {
		t.Errorf("%d requests started 2 s after slapd's return still failed", len(late))
		logFailures(t, late, 5)
	}
	if s.by[acked] == 0 || s.failed() == 0 {
		t.Errorf("the load should see both successes and failures: %s", s)
	}

	ackedUsers := ackedIDs(results)
	users := directoryUsers(t, srv)
	lost := checkAcked(t, "slapd", ackedUsers, users)
	unacked := 0
	for _, r := range results {
		if _, ok := users[r.name]; ok && r.outcome != acked {
			unacked++
		}
	}
	bare := passwordless(t, srv)
	t.Logf("directory: %d users; %d acknowledged writes, %d lost; %d writes done but not acknowledged, %d users without a password",
		len(users), len(ackedUsers), lost, unacked, len(bare))
	if len(bare) > 0 {
		t.Errorf("users created without their password (passwordInAdd makes a create one operation): %v", bare)
	}
	if d := duplicateNumbers(users); len(d) > 0 {
		t.Errorf("uidNumbers held by several users: %v", d)
	}
}
