package faults

import (
	"maps"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestProviderStoppedUnderWriteLoad runs two slapd providers replicating
// each other, dirgate configured with both URLs, and stops the one dirgate
// uses under eight clients creating users. Only the creates in flight on
// the stopped provider may fail (at most one per client), under 1% of the
// requests over the run; once the stopped provider is back and replication
// has settled, both servers must hold every acknowledged user with the
// number dirgate answered, and no uidNumber may be held twice.
func TestProviderStoppedUnderWriteLoad(t *testing.T) {
	servers := slapd.StartProviders(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF}, 2)
	a, b := servers[0], servers[1]
	tok := token()
	p := e2eutil.Start(t, e2eutil.Options{Config: ldapConfig(t, a, []string{a.URL, b.URL}, tok, nil)})

	const workers = 8
	// Enough requests that the creates in flight at the stop, one per
	// client at most, stay under 1% (800 would be exactly 1%).
	const requests = 1000
	load := startLoad(t.Context(), "failover", workers, func(int) *kanboard { return newKanboard(p.URL, tok, true) })
	wait(t.Context(), 2*time.Second)
	stopping := time.Now()
	if err := a.Stop(); err != nil {
		load.stop()
		t.Fatalf("stopping the first provider: %v", err)
	}
	stopped := time.Now()
	load.runUntil(t.Context(), requests, 4*time.Second, 25*time.Second)
	results := load.stop()

	s := summarize(results)
	rate := float64(s.failed()) / float64(s.total) * 100
	t.Logf("load: %d clients, first provider stopped after 2 s (SIGTERM, gone %v later), then on the second: %s",
		workers, stopped.Sub(stopping).Round(time.Millisecond), s)
	t.Logf("failed: %d of %d (%.2f%%)", s.failed(), s.total, rate)
	logFailures(t, results, workers)
	if rate >= 1 {
		t.Errorf("%.2f%% of the requests failed, want under 1%%", rate)
	}
	if s.failed() > workers {
		t.Errorf("%d requests failed; only those in flight at the stop may, at most %d", s.failed(), workers)
	}
	var afterStop int
	for _, r := range results {
		switch {
		case r.outcome != acked && r.start.After(stopped):
			t.Errorf("%s started after the first provider had gone and failed: %s %.200s", r.name, r.outcome, r.detail)
		case r.outcome == acked && r.start.After(stopped):
			afterStop++
		}
	}
	if afterStop == 0 {
		t.Errorf("nothing was acknowledged after the first provider stopped")
	}
	if s.max > requestTimeout+slack {
		t.Errorf("the slowest request took %v, above the request timeout %v", s.max, requestTimeout)
	}

	// The stopped provider returns, so that what it acknowledged and had
	// not sent yet reaches the other; then both must agree.
	if err := a.Start(); err != nil {
		t.Fatalf("restarting the first provider: %v", err)
	}
	settled := time.Now()
	var onA, onB map[string]int64
	for {
		onA, onB = directoryUsers(t, a), directoryUsers(t, b)
		if maps.Equal(onA, onB) || time.Since(settled) > 20*time.Second {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("replication settled in %v: %d users on the first provider, %d on the second",
		time.Since(settled).Round(time.Millisecond), len(onA), len(onB))
	if !maps.Equal(onA, onB) {
		t.Errorf("the providers still differ after 20 s")
	}
	ackedUsers := ackedIDs(results)
	lost := checkAcked(t, "first provider", ackedUsers, onA) + checkAcked(t, "second provider", ackedUsers, onB)
	unacked := 0
	for _, r := range results {
		if _, ok := onB[r.name]; ok && r.outcome != acked {
			unacked++
		}
	}
	bare := passwordless(t, b)
	t.Logf("%d acknowledged writes (%d after the stop), %d missing; %d created but not acknowledged, %d users without a password",
		len(ackedUsers), afterStop, lost, unacked, len(bare))
	if len(bare) > 0 {
		t.Errorf("users created without their password (passwordInAdd makes a create one operation): %v", bare)
	}
	for where, users := range map[string]map[string]int64{"first provider": onA, "second provider": onB} {
		if d := duplicateNumbers(users); len(d) > 0 {
			t.Errorf("%s: uidNumbers held by several users: %v", where, d)
		}
	}
}
