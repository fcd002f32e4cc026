package main

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// On a machine shared with other work one run of a target can be
// disturbed (another build takes the cores, or the disk the writes sync
// to). So each target runs in several rounds, interleaved with the other
// targets, and the report gives the median of each figure with the range
// of throughput.

// summarize turns the rounds into one measurement per target and
// concurrency, in the order they were first measured.
func summarize(rounds []measurement) []measurement {
	type key struct {
		kind, target string
		clients      int
	}
	groups := map[key][]measurement{}
	var order []key
	for _, m := range rounds {
		k := key{m.Kind, m.Target, m.Clients}
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], m)
	}
	out := make([]measurement, 0, len(order))
	for _, k := range order {
		out = append(out, medianOf(groups[k]))
	}
	return out
}

// medianOf combines the rounds of one target: the median of each figure,
// the throughput's range, every error, the load averages' range.
func medianOf(ms []measurement) measurement {
	m := ms[0]
	m.Rounds = len(ms)
	pick := func(f func(measurement) float64) float64 {
		v := make([]float64, len(ms))
		for i, x := range ms {
			v[i] = f(x)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	dur := func(f func(measurement) time.Duration) time.Duration {
		return time.Duration(pick(func(x measurement) float64 { return float64(f(x)) }))
	}
	m.OpsPerSec = pick(func(x measurement) float64 { return x.OpsPerSec })
	m.P50 = dur(func(x measurement) time.Duration { return x.P50 })
	m.P99 = dur(func(x measurement) time.Duration { return x.P99 })
	m.DirgateCPU = dur(func(x measurement) time.Duration { return x.DirgateCPU })
	m.SlapdCPU = dur(func(x measurement) time.Duration { return x.SlapdCPU })
	m.LoadCPU = dur(func(x measurement) time.Duration { return x.LoadCPU })
	m.DirgateRSS = int64(pick(func(x measurement) float64 { return float64(x.DirgateRSS) }))
	m.OpsMin, m.OpsMax = ms[0].OpsPerSec, ms[0].OpsPerSec
	m.Ops, m.Errors, m.FirstError = 0, 0, ""
	lo, hi := "", ""
	for _, x := range ms {
		m.OpsMin, m.OpsMax = min(m.OpsMin, x.OpsPerSec), max(m.OpsMax, x.OpsPerSec)
		m.Ops += x.Ops
		m.Errors += x.Errors
		if m.FirstError == "" {
			m.FirstError = x.FirstError
		}
		one, _, _ := strings.Cut(x.LoadAvg, " ")
		if lo == "" || less(one, lo) {
			lo = one
		}
		if hi == "" || less(hi, one) {
			hi = one
		}
	}
	m.LoadAvg = lo
	if hi != lo {
		m.LoadAvg = lo + "–" + hi
	}
	return m
}

// less compares two load averages as numbers.
func less(a, b string) bool {
	x, _ := strconv.ParseFloat(a, 64)
	y, _ := strconv.ParseFloat(b, 64)
	return x < y
}
