package console

import "time"

// latencyBounds are the upper bounds of the latency histogram's buckets
// (the last is open). Percentiles are read as the bound of the bucket the
// rank falls in: "p99 ≤ 25 ms", exact enough to compare clients and
// endpoints at a fixed 64 bytes per time bucket.
var latencyBounds = [latencyBuckets - 1]time.Duration{
	250 * time.Microsecond, 500 * time.Microsecond, time.Millisecond, 2500 * time.Microsecond,
	5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond, 50 * time.Millisecond,
	100 * time.Millisecond, 250 * time.Millisecond, 500 * time.Millisecond, time.Second,
	2500 * time.Millisecond, 5 * time.Second, 10 * time.Second,
}

const latencyBuckets = 16

// histogram counts latencies per bucket.
type histogram [latencyBuckets]uint32

func (h *histogram) add(d time.Duration) {
	for i, b := range latencyBounds {
		if d <= b {
			h[i]++
			return
		}
	}
	h[latencyBuckets-1]++
}

func (h *histogram) merge(o *histogram) {
	for i := range h {
		h[i] += o[i]
	}
}

// quantile is the upper bound of the bucket holding the q-th latency; 0
// without samples, and the last finite bound doubled for the open bucket.
func (h *histogram) quantile(q float64) time.Duration {
	var total uint64
	for _, n := range h {
		total += uint64(n)
	}
	if total == 0 {
		return 0
	}
	rank := uint64(q*float64(total) + 0.5)
	rank = max(rank, 1)
	var seen uint64
	for i, n := range h {
		seen += uint64(n)
		if seen >= rank {
			if i < len(latencyBounds) {
				return latencyBounds[i]
			}
			break
		}
	}
	return 2 * latencyBounds[len(latencyBounds)-1]
}
