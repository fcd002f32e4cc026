package logons_test

import (
	"net/http"
	"slices"
	"syscall"
	"testing"
	"time"
)

// BenchmarkReadsUnderLoginFlood measures legitimate reads while 256
// clients flood the quick start's OpenAPI POST /api/login with users that
// do not exist, each sending its next login as soon as the last was
// answered: one client reads a user through another dialect (Kanboard
// getUserByName with the API token) b.N times, one after the other.
// Variants: idle (no flood), flood (the default hashing bound), and
// flood-unbounded (passwordHashing.concurrency 100000: every login hashes
// at once, as before the bound). It reports the reads' median, p99 and
// slowest, the logins the flood got checked (401) and refused (429) per
// second, dirgate's peak resident memory, and the reads not answered 200
// within 5 s (counted as taking 5 s). Run it with a fixed count:
//
//	go test -run '^$' -bench ReadsUnderLoginFlood -benchtime 300x ./test/e2e/logons/
//
// flood-unbounded takes gigabytes of memory and every core while it runs.
func BenchmarkReadsUnderLoginFlood(b *testing.B) {
	// A read not answered within readTimeout counts as taking that long.
	// The flood lasts floodFor; the reads must end within it.
	const readTimeout, floodFor = 5 * time.Second, 60 * time.Second
	for _, v := range []struct {
		name  string
		flood bool
		env   []string
	}{
		{"idle", false, nil},
		{"flood", true, nil},
		{"flood-unbounded", true, []string{"DIRGATE_PASSWORDHASHING_CONCURRENCY=100000"}},
	} {
		b.Run(v.name, func(b *testing.B) {
			s := quickStart(b, v.env...)
			s.must(b, s.kanboardRead(b, "admin"), http.StatusOK)
			var flooded func(stop bool) floodResult
			floodStart := time.Now()
			if v.flood {
				flooded = attack(b, orders{URL: s.proc.URL, Clients: floodClients, Duration: floodFor})
				time.Sleep(time.Second) // let the flood build up
			}
			reader := &http.Client{Timeout: readTimeout}
			took := make([]time.Duration, 0, b.N)
			failed := 0
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				resp, err := reader.Do(s.kanboardRead(b, "admin"))
				if err == nil {
					resp.Body.Close()
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					failed++
				}
				took = append(took, time.Since(start))
			}
			b.StopTimer()
			var res floodResult
			if v.flood {
				if time.Since(floodStart) > floodFor {
					b.Fatalf("the reads outlasted the %v flood: give a smaller -benchtime", floodFor)
				}
				res = flooded(true)
			}
			flooding := time.Since(floodStart).Seconds()
			peak := vmHWM(b, s.proc.PID())
			// Not a shutdown test: unbounded, dirgate is still hashing
			// and would not stop within the harness's 10 s.
			s.proc.Signal(syscall.SIGKILL)
			s.proc.Wait(10 * time.Second)

			slices.Sort(took)
			ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
			b.ReportMetric(ms(took[len(took)/2]), "p50-ms")
			b.ReportMetric(ms(took[min(len(took)-1, len(took)*99/100)]), "p99-ms")
			b.ReportMetric(ms(took[len(took)-1]), "max-ms")
			b.ReportMetric(float64(failed), "reads-failed")
			b.ReportMetric(float64(peak>>20), "peak-RSS-MiB")
			if v.flood {
				b.ReportMetric(float64(res.Statuses[http.StatusUnauthorized])/flooding, "logins-checked/s")
				b.ReportMetric(float64(res.Statuses[http.StatusTooManyRequests])/flooding, "logins-refused/s")
				if res.Failures > 0 {
					b.Logf("%d logins got no answer, first: %v", res.Failures, res.FirstFailure)
				}
			}
		})
	}
}
