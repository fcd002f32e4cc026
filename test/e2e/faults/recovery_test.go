package faults

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// recovery is when dirgate served again after the directory came back.
type recovery struct {
	ready  time.Duration // until /readyz first answered 200
	served time.Duration // until a real request was first acknowledged
}

// awaitUnready polls /readyz from since on, every 20 ms, until it answers
// 503, and returns how long that took (limit when it never did).
func awaitUnready(t *testing.T, p *e2eutil.Process, since time.Time, limit time.Duration) time.Duration {
	t.Helper()
	hc := &http.Client{Timeout: 2 * time.Second}
	for time.Since(since) < limit {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, p.URL+"/readyz", nil)
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusServiceUnavailable {
				return time.Since(since)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return limit
}

// awaitRecovery polls /readyz and a real request (createUser through a
// client of its own) from back on, every 20 ms, until both succeeded or
// limit passed; a missing figure is limit.
func awaitRecovery(t *testing.T, p *e2eutil.Process, k *kanboard, back time.Time, limit time.Duration) recovery {
	t.Helper()
	rec := recovery{ready: limit, served: limit}
	var readyDone, servedDone bool
	hc := &http.Client{Timeout: time.Second}
	for n := 0; time.Since(back) < limit && !(readyDone && servedDone); n++ {
		if !readyDone {
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, p.URL+"/readyz", nil)
			if resp, err := hc.Do(req); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					rec.ready, readyDone = time.Since(back), true
				}
			}
		}
		if !servedDone {
			ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
			r := k.createUser(ctx, "probe-"+random(8))
			cancel()
			if r.outcome == acked {
				rec.served, servedDone = time.Since(back), true
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return rec
}
