package console

import "time"

// Time buckets: the last hour in 5-minute buckets, the last day and week
// in hourly ones. A ring slot holds the bucket of one period; a slot
// whose period is not the one asked for is stale and reads as empty, so
// nothing ever needs sweeping.
const (
	fineWidth   = 5 * time.Minute
	fineSlots   = 12 // one hour
	coarseWidth = time.Hour
	coarseSlots = 168 // one week
)

// bucket is one period's traffic: 76 bytes.
type bucket struct {
	period   int64 // start of the period, in units of its width since the epoch
	requests uint32
	errors   uint32
	latency  histogram
}

// ring is a fixed number of buckets of one width.
type ring struct {
	width   time.Duration
	buckets []bucket
}

func newRing(width time.Duration, slots int) ring {
	r := ring{width: width, buckets: make([]bucket, slots)}
	for i := range r.buckets {
		r.buckets[i].period = -1
	}
	return r
}

func (r *ring) period(t time.Time) int64 { return t.UnixNano() / int64(r.width) }

func (r *ring) add(t time.Time, failed bool, latency time.Duration) {
	p := r.period(t)
	b := &r.buckets[p%int64(len(r.buckets))]
	if b.period != p {
		*b = bucket{period: p}
	}
	b.requests++
	if failed {
		b.errors++
	}
	b.latency.add(latency)
}

// at returns the bucket of the period n periods before now's, empty when
// the ring holds another.
func (r *ring) at(now time.Time, n int) bucket {
	p := r.period(now) - int64(n)
	if p < 0 {
		return bucket{period: p}
	}
	b := r.buckets[p%int64(len(r.buckets))]
	if b.period != p {
		return bucket{period: p}
	}
	return b
}

// sum adds up the last n periods, now's included.
func (r *ring) sum(now time.Time, n int) bucket {
	var out bucket
	for i := range n {
		b := r.at(now, i)
		out.requests += b.requests
		out.errors += b.errors
		out.latency.merge(&b.latency)
	}
	return out
}
