package faults

import (
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestSlapdHangsUnderWriteLoad freezes slapd (SIGSTOP: connections stay
// open, nothing answers, as with a hung server or a black-holed network)
// for longer than the request timeout under eight clients creating users.
// A request must fail once its directory steps time out, never wait on
// (createUser is two steps: the uid number, then the entry, each bounded
// by requestTimeout); /readyz must turn 503 within 2 s; and dirgate must
// serve again within 2 s of slapd answering again.
func TestSlapdHangsUnderWriteLoad(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF})
	tok := token()
	p := e2eutil.Start(t, e2eutil.Options{Config: ldapConfig(t, srv, []string{srv.URL}, tok, nil)})

	const workers = 8
	const frozenFor = requestTimeout + time.Second
	load := startLoad(t.Context(), "hang", workers, func(int) *kanboard { return newKanboard(p.URL, tok, true) })
	wait(t.Context(), time.Second)
	frozen := time.Now()
	if err := srv.Freeze(); err != nil {
		load.stop()
		t.Fatal(err)
	}
	unready := awaitUnready(t, p, frozen, frozenFor)
	wait(t.Context(), frozenFor-time.Since(frozen))
	if err := srv.Thaw(); err != nil {
		load.stop()
		t.Fatal(err)
	}
	back := time.Now()
	rec := awaitRecovery(t, p, newKanboard(p.URL, tok, false), back, 5*time.Second)
	wait(t.Context(), 500*time.Millisecond)
	results := load.stop()

	s := summarize(results)
	var during []result
	for _, r := range results {
		if r.start.Before(back) && r.end().After(frozen) {
			during = append(during, r)
		}
	}
	hung := summarize(during)
	t.Logf("load: %d clients, slapd frozen after 1 s for %v: %s", workers, frozenFor, s)
	t.Logf("requests that met the frozen server: %s", hung)
	t.Logf("/readyz 503 %v after the freeze; after the thaw: /readyz 200 after %v, first acknowledged createUser after %v",
		unready.Round(time.Millisecond), rec.ready.Round(time.Millisecond), rec.served.Round(time.Millisecond))

	if bound := 2*requestTimeout + slack; s.max > bound {
		t.Errorf("the slowest request took %v (%s), above two request timeouts (%v)", s.max, s.slowest.name, bound)
	}
	if unready > 2*time.Second {
		t.Errorf("/readyz took %v to turn 503", unready)
	}
	if rec.ready > 2*time.Second || rec.served > 2*time.Second {
		t.Errorf("dirgate took more than 2 s to serve again (ready %v, served %v)", rec.ready, rec.served)
	}
	if s.by[half]+s.by[other] > 0 {
		t.Errorf("%d answers were not whole and %d requests hung or failed oddly", s.by[half], s.by[other])
		logFailures(t, results, 10)
	}
	lost := checkAcked(t, "slapd", ackedIDs(results), directoryUsers(t, srv))
	t.Logf("%d acknowledged writes, %d missing from the directory", s.by[acked], lost)
}
