package logons_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"sync"
	"testing"
	"time"
)

// The flood runs in a process of its own, as an attacker's would: its
// hundreds of busy goroutines then compete with dirgate and with the
// test's probes for the machine, not inside the probes' own scheduler.
// The test binary is that process when attackerEnv holds its orders.
const attackerEnv = "DIRGATE_LOGONS_ATTACKER"

// orders are what the attacker process does.
type orders struct {
	// URL is dirgate's; Clients send logins of users that do not exist to
	// URL+"/api/login", each as soon as the last was answered, for
	// Duration.
	URL      string
	Clients  int
	Duration time.Duration
}

// floodResult counts what the flood's logins were answered.
type floodResult struct {
	Statuses map[int]int
	// BadRetryAfter counts 429s without a whole number of seconds ≥ 1 in
	// Retry-After; Failures the logins that got no answer.
	BadRetryAfter, Failures int
	FirstFailure            string
	// Bodies holds one body per status, for messages.
	Bodies map[int]string
}

// attack starts the attacker process. result waits for the flood to end
// (after its Duration, or at once when stop is set) and returns what its
// logins were answered.
func attack(t testing.TB, o orders) (result func(stop bool) floodResult) {
	t.Helper()
	raw, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), attackerEnv+"="+string(raw))
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the attacker: %v", err)
	}
	return func(stop bool) floodResult {
		if stop {
			_ = cmd.Process.Signal(os.Interrupt)
		}
		if err := cmd.Wait(); err != nil {
			t.Fatalf("the attacker: %v\n%s", err, errOut.String())
		}
		var res floodResult
		if err := json.Unmarshal(out.Bytes(), &res); err != nil {
			t.Fatalf("the attacker's report: %v\n%s", err, out.String())
		}
		return res
	}
}

// runAttacker is the attacker process: it floods as ordered, until its
// Duration is over or it is interrupted, and writes its floodResult to
// stdout.
func runAttacker(raw string) int {
	var o orders
	if err := json.Unmarshal([]byte(raw), &o); err != nil {
		fmt.Fprintln(os.Stderr, "attacker orders:", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	c := newClient()
	var mu sync.Mutex
	res := floodResult{Statuses: map[int]int{}, Bodies: map[int]string{}}
	var wg sync.WaitGroup
	for client := range o.Clients {
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				body, _ := json.Marshal(map[string]string{"username": fmt.Sprintf("nobody-%d-%d", client, n), "password": "Not-The-Password-1"})
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, o.URL+"/api/login", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", 128+client>>8, client&0xff, n&0xff))
				resp, err := c.Do(req)
				var answer []byte
				if err == nil {
					answer, err = io.ReadAll(resp.Body)
					resp.Body.Close()
				}
				if ctx.Err() != nil {
					return // cut short by the end of the flood, not answered wrong
				}
				mu.Lock()
				if err != nil {
					res.Failures++
					if res.FirstFailure == "" {
						res.FirstFailure = err.Error()
					}
				} else {
					res.Statuses[resp.StatusCode]++
					if _, ok := res.Bodies[resp.StatusCode]; !ok {
						res.Bodies[resp.StatusCode] = string(answer)
					}
					if resp.StatusCode == http.StatusTooManyRequests {
						if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || s < 1 {
							res.BadRetryAfter++
						}
					}
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		return 1
	}
	return 0
}
