package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op is one request of a load client; it fails when the answer is not
// the expected one.
type op func(ctx context.Context) error

// target is one thing measured side by side with the others: raw LDAP or
// a dialect, doing one kind of operation.
type target struct {
	kind string // kindGet or kindCreate
	name string // "raw LDAP", "Artica", "Artica, read model", ...
	// gate is the dirgate process serving it (nil: raw LDAP).
	gate *gate
	// client makes load client number i (its connection, its names);
	// done releases it.
	client func(ctx context.Context, run, i int) (o op, done func(), err error)
}

const (
	kindGet    = "get one user"
	kindCreate = "create user"
)

// measurement is one target at one concurrency.
type measurement struct {
	Kind, Target string
	Clients      int
	Ops, Errors  int
	FirstError   string
	Window       time.Duration
	OpsPerSec    float64
	P50, P99     time.Duration
	// CPU per successful request, of each process, from /proc deltas
	// over the measured window.
	DirgateCPU, SlapdCPU, LoadCPU time.Duration
	DirgateRSS                    int64 // at the end of the window
	LoadAvg                       string
	// Rounds combined into this one (rounds.go), and the lowest and
	// highest throughput among them.
	Rounds         int
	OpsMin, OpsMax float64
}

// procs are the processes whose CPU is measured.
type procs struct{ dirgate, slapd int }

// runCount numbers runs so each has names of its own (creates).
var runCount atomic.Int64

// measure runs clients closed-loop clients of t: each sends its next
// request when the previous one answered. Requests that started and ended
// inside the window after warmup count. hook, when set, runs during the
// window (profiling) and is given its length.
func measure(ctx context.Context, t target, clients int, warmup, window time.Duration, pr procs, hook func(time.Duration)) (measurement, error) {
	m := measurement{Kind: t.kind, Target: t.name, Clients: clients}
	run := int(runCount.Add(1))
	ops := make([]op, clients)
	for i := range clients {
		o, done, err := t.client(ctx, run, i)
		if err != nil {
			return m, fmt.Errorf("%s client %d: %w", t.name, i, err)
		}
		defer done()
		ops[i] = o
	}
	var (
		measuring, stop atomic.Bool
		wg              sync.WaitGroup
		mu              sync.Mutex
		latencies       = make([][]time.Duration, clients)
		errCount        atomic.Int64
		firstErr        error
	)
	for i := range clients {
		latencies[i] = make([]time.Duration, 0, 4096)
		wg.Go(func() {
			for !stop.Load() {
				in := measuring.Load()
				start := time.Now()
				err := ops[i](ctx)
				d := time.Since(start)
				if !in || !measuring.Load() {
					continue
				}
				if err != nil {
					if errCount.Add(1) == 1 {
						mu.Lock()
						firstErr = err
						mu.Unlock()
					}
					continue
				}
				latencies[i] = append(latencies[i], d)
			}
		})
	}
	time.Sleep(warmup)
	before, err := snapshot(pr)
	if err != nil {
		stop.Store(true)
		wg.Wait()
		return m, err
	}
	measuring.Store(true)
	start := time.Now()
	var hooked sync.WaitGroup
	if hook != nil {
		hooked.Go(func() { hook(window) })
	}
	time.Sleep(window)
	measuring.Store(false)
	m.Window = time.Since(start)
	after, err := snapshot(pr)
	hooked.Wait()
	stop.Store(true)
	wg.Wait()
	if err != nil {
		return m, err
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	m.Ops, m.Errors = len(all), int(errCount.Load())
	if firstErr != nil {
		m.FirstError = firstErr.Error()
	}
	m.OpsPerSec = float64(m.Ops) / m.Window.Seconds()
	m.P50, m.P99 = percentile(all, 0.50), percentile(all, 0.99)
	if m.Ops > 0 {
		n := time.Duration(m.Ops)
		m.DirgateCPU = (after.dirgate - before.dirgate) / n
		m.SlapdCPU = (after.slapd - before.slapd) / n
		m.LoadCPU = (after.load - before.load) / n
	}
	m.DirgateRSS = after.dirgateRSS
	m.LoadAvg = loadAverage()
	return m, nil
}

// cpuSnapshot is the CPU each process has used so far.
type cpuSnapshot struct {
	dirgate, slapd, load time.Duration
	dirgateRSS           int64
}

func snapshot(pr procs) (cpuSnapshot, error) {
	var s cpuSnapshot
	var err error
	if s.dirgate, err = cpuTime(pr.dirgate); err != nil {
		return s, err
	}
	if s.slapd, err = cpuTime(pr.slapd); err != nil {
		return s, err
	}
	if s.load, err = cpuTime(os.Getpid()); err != nil {
		return s, err
	}
	s.dirgateRSS, err = rss(pr.dirgate)
	return s, err
}

// percentile of sorted latencies (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
