package faults

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// The read model's consistency guarantee (docs/backends.md, issue 21)
// under load and across replicas: two dirgate processes, A and B, with
// readModel on and a 1 s lag bound over one slapd; writers through A and
// straight to slapd, readers on both (readmodel_load_test.go), the
// history checked afterwards (readmodel_history_test.go).

const consistencyBound = time.Second

// loadFor is how long each consistency run writes and reads: enough
// writes (some thousand) for a p99 that one slow sample on a busy machine
// does not decide.
const loadFor = 12 * time.Second

// startReplicas starts A on slapd and B on bURL (slapd's, or a cutter's).
func startReplicas(t *testing.T, srv *slapd.Server, tok, bURL string) map[string]*e2eutil.Process {
	t.Helper()
	return map[string]*e2eutil.Process{
		"A": e2eutil.Start(t, e2eutil.Options{Config: readModelConfig(t, srv, []string{srv.URL}, tok)}),
		"B": e2eutil.Start(t, e2eutil.Options{Config: readModelConfig(t, srv, []string{bURL}, tok)}),
	}
}

// TestReadModelReplicasUnderLoad: with writers through A and straight to
// slapd and readers on A and B, every read on A after A acknowledged a
// write shows it; a write shows on the other process (and an LDAP write
// on both) within 1 s at p99; no read started more than 1 s after a
// write was acknowledged shows an older version; no process ever goes
// back to an older version; and at the end both serve every acknowledged
// write.
func TestReadModelReplicasUnderLoad(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF})
	tok := token()
	procs := startReplicas(t, srv, tok, srv.URL)
	rig := newConsistencyRig(t, slapdDirectory(srv), consistencyBound, tok, procs)
	rig.run(loadFor, nil)
	rig.h.check(rig.bound).report(t, consistencyBound, true)
	rig.finalCheck()
	for proc, p := range procs {
		if loads := e2eutil.Metric(t, p.URL, `dirgate_readmodel_loads_total{domain="example.com"}`); loads != 1 {
			t.Errorf("%s loaded its model %v times", proc, loads)
		}
		t.Logf("%s: %v reads answered by the model, %v by the directory", proc,
			e2eutil.Metric(t, p.URL, modelReads),
			e2eutil.Metric(t, p.URL, `dirgate_readmodel_reads_total{answeredBy="directory",domain="example.com"}`))
	}
}

// TestReadModelReplicaCutUnderLoad cuts every LDAP connection of B (a
// proxy in front of slapd closes them and refuses new ones) for three
// times the bound under the load above. B's reads meanwhile are answered
// fresh or refused, never older than the bound; B's /readyz turns 503
// and 200 again after the cut is mended; B resumes its stream from its
// cookie (one load, at least one resume); and no acknowledged write is
// lost.
func TestReadModelReplicaCutUnderLoad(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF})
	tok := token()
	cut := startCutter(t, strings.TrimPrefix(srv.URL, "ldap://"))
	procs := startReplicas(t, srv, tok, cut.URL())
	rig := newConsistencyRig(t, slapdDirectory(srv), consistencyBound, tok, procs)
	ready := watchReady(procs)
	var down, up time.Time
	rig.run(loadFor, func(ctx context.Context) {
		wait(ctx, 3*time.Second)
		down = time.Now()
		cut.Cut()
		wait(ctx, 3*consistencyBound)
		up = time.Now()
		cut.Mend()
	})
	samples := ready.stop()
	if up.IsZero() {
		t.Fatal("the load ended before the cut was mended")
	}
	t.Logf("B's connections cut from %s for %v", down.Format("15:04:05.000"), up.Sub(down).Round(time.Millisecond))
	c := rig.h.check(rig.bound)
	c.report(t, consistencyBound, false)
	outage(t, rig.h, "B", down, up)
	checkReadyz(t, "B", samples["B"], down, up)
	rig.finalCheck()
	checkResumed(t, "B", procs["B"])
}

// TestReadModelReplicasSlapdKillUnderLoad kills slapd (SIGKILL) for twice
// the bound under the load above and starts it again: both processes'
// reads meanwhile are answered fresh or refused; /readyz of each turns
// 503 and 200 again; each resumes its stream from its cookie; and no
// acknowledged write is lost.
func TestReadModelReplicasSlapdKillUnderLoad(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF})
	tok := token()
	procs := startReplicas(t, srv, tok, srv.URL)
	rig := newConsistencyRig(t, slapdDirectory(srv), consistencyBound, tok, procs)
	ready := watchReady(procs)
	var down, up time.Time
	var restart error
	rig.run(loadFor, func(ctx context.Context) {
		wait(ctx, 3*time.Second)
		down = time.Now()
		srv.Kill()
		wait(ctx, 2*consistencyBound)
		restart = srv.Start()
		up = time.Now()
	})
	samples := ready.stop()
	if restart != nil {
		t.Fatalf("restarting slapd: %v", restart)
	}
	if up.IsZero() {
		t.Fatal("the load ended before slapd was restarted")
	}
	t.Logf("slapd down from %s for %v", down.Format("15:04:05.000"), up.Sub(down).Round(time.Millisecond))
	rig.h.check(rig.bound).report(t, consistencyBound, false)
	for _, proc := range []string{"A", "B"} {
		outage(t, rig.h, proc, down, up)
		checkReadyz(t, proc, samples[proc], down, up)
	}
	rig.finalCheck()
	for _, proc := range []string{"A", "B"} {
		checkResumed(t, proc, procs[proc])
	}
}

// outage logs how proc's requests fared between down and up: answered
// (each read in them checked against the bound by the history's check) or
// refused.
func outage(t *testing.T, h *history, proc string, down, up time.Time) {
	t.Helper()
	h.mu.Lock()
	defer h.mu.Unlock()
	type request struct {
		by    string
		start time.Time
	}
	answered := map[request]bool{}
	for _, r := range h.reads {
		if r.proc == proc && r.start.After(down) && r.end.Before(up) {
			answered[request{r.by, r.start}] = true
		}
	}
	t.Logf("%s during the outage: %d requests answered (their reads within the bound, checked above); %d requests unanswered over the whole run",
		proc, len(answered), h.refused[proc])
}

// readySample is one /readyz answer (0: no answer).
type readySample struct {
	at   time.Time
	code int
}

type readyWatch struct {
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	samples map[string][]readySample
}

// watchReady polls /readyz of every process every 20 ms until stop.
func watchReady(procs map[string]*e2eutil.Process) *readyWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &readyWatch{cancel: cancel, samples: map[string][]readySample{}}
	hc := &http.Client{Timeout: time.Second}
	for proc, p := range procs {
		w.wg.Go(func() {
			for ctx.Err() == nil {
				s := readySample{at: time.Now()}
				if resp, err := hc.Get(p.URL + "/readyz"); err == nil {
					resp.Body.Close()
					s.code = resp.StatusCode
				}
				w.mu.Lock()
				w.samples[proc] = append(w.samples[proc], s)
				w.mu.Unlock()
				wait(ctx, 20*time.Millisecond)
			}
		})
	}
	return w
}

func (w *readyWatch) stop() map[string][]readySample {
	w.cancel()
	w.wg.Wait()
	return w.samples
}

// readyAgainWithin bounds how long after the directory's return a
// process is ready again: its dialer's longest backoff (reconnectBackoffMax,
// 1 s by default), the stream's longest retry wait (0.5 s), a proof of
// freshness within the bound, and slack.
const readyAgainWithin = time.Second + 500*time.Millisecond + consistencyBound + slack

// checkReadyz checks that proc's /readyz answered 503 within the bound
// (and slack) of down, did not answer 200 from then until up, and answered
// 200 within readyAgainWithin of up.
func checkReadyz(t *testing.T, proc string, samples []readySample, down, up time.Time) {
	t.Helper()
	var unready, ready time.Duration = -1, -1
	for _, s := range samples {
		switch {
		case s.at.After(down) && s.at.Before(up) && s.code == http.StatusServiceUnavailable && unready < 0:
			unready = s.at.Sub(down)
		case s.at.After(down.Add(consistencyBound+slack)) && s.at.Before(up) && s.code == http.StatusOK:
			t.Errorf("%s /readyz 200 at %v into the outage", proc, s.at.Sub(down).Round(time.Millisecond))
		case s.at.After(up) && s.code == http.StatusOK && ready < 0:
			ready = s.at.Sub(up)
		}
	}
	t.Logf("%s /readyz: 503 %v after the outage began, 200 again %v after it ended", proc,
		unready.Round(time.Millisecond), ready.Round(time.Millisecond))
	if unready < 0 || unready > consistencyBound+slack {
		t.Errorf("%s /readyz did not turn 503 within %v of the outage (%v)", proc, consistencyBound+slack, unready)
	}
	if ready < 0 || ready > readyAgainWithin {
		t.Errorf("%s /readyz did not turn 200 within %v of the directory's return (%v)", proc, readyAgainWithin, ready)
	}
}

// checkResumed checks from proc's metrics that its stream resumed from
// its cookie after the outage rather than loading the domain again.
func checkResumed(t *testing.T, proc string, p *e2eutil.Process) {
	t.Helper()
	loads := e2eutil.Metric(t, p.URL, `dirgate_readmodel_loads_total{domain="example.com"}`)
	resumes := e2eutil.Metric(t, p.URL, `dirgate_readmodel_resumes_total{domain="example.com"}`)
	t.Logf("%s: %v loads, %v resumes of the change stream", proc, loads, resumes)
	if loads != 1 || resumes < 1 {
		t.Errorf("%s: %v loads and %v resumes; after an outage the stream must resume from its cookie (1 load, ≥ 1 resume)", proc, loads, resumes)
	}
}
