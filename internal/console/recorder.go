package console

import (
	"cmp"
	"slices"
	"sync"
	"time"
)

// Observation is one answered request of a dialect, as the server's
// middleware saw it.
type Observation struct {
	Time    time.Time
	Dialect string
	// Endpoint is the route template or JSON-RPC method (the metrics'
	// route label), never a raw path.
	Endpoint string
	// Credential is the caller the dialect named (dialect.Credential):
	// an API key id, an account, "socket".
	Credential string
	Status     int
	Latency    time.Duration
	// Address and UserAgent are kept as the series' last-seen details,
	// shown in the console only: never labels, never keys.
	Address   string
	UserAgent string
}

// Credentials the recorder substitutes.
const (
	// CredentialOther gathers the traffic of clients past the bound.
	CredentialOther = "other"
	// CredentialUnauthenticated is every refused (401) or throttled
	// (429) request: what a client claimed to be before its credential
	// was accepted is not a client, and must not take a client's slot.
	CredentialUnauthenticated = "(unauthenticated)"
	// CredentialNone is a request the dialect answered before naming a
	// caller (a malformed request, a login form).
	CredentialNone = "(none)"
)

// maxUserAgent bounds the stored User-Agent.
const maxUserAgent = 200

// Key names one series: a client of one endpoint of one dialect.
type Key struct {
	Dialect, Endpoint, Credential string
}

// series is one key's traffic: about 15 KiB, almost all time buckets
// (BenchmarkRecorderMemory).
type series struct {
	fine, coarse     ring
	requests, errors uint64
	firstSeen        time.Time
	lastSeen         time.Time
	lastAddr, lastUA string
	lastStatus       int
}

// Recorder keeps per-client traffic in memory, bounded: at most max
// series with a credential of their own; past that a new client is
// counted under CredentialOther of its dialect and endpoint, one more
// series per (dialect, endpoint) at most, which the routes bound. Its
// memory is therefore at most (max + routes) × ~15 KiB.
type Recorder struct {
	mu       sync.Mutex
	max      int
	own      int // series with a credential of their own
	series   map[Key]*series
	dialects map[string]time.Time // last seen per dialect
	started  time.Time
	now      func() time.Time
}

// NewRecorder keeps at most limit clients' series (at least 1).
func NewRecorder(limit int) *Recorder {
	return &Recorder{
		max: max(limit, 1), series: map[Key]*series{}, dialects: map[string]time.Time{},
		started: time.Now(), now: time.Now,
	}
}

// Observe records one request.
func (r *Recorder) Observe(o Observation) {
	if o.Time.IsZero() {
		o.Time = r.now()
	}
	switch {
	case o.Status == 401 || o.Status == 429:
		o.Credential = CredentialUnauthenticated
	case o.Credential == "":
		o.Credential = CredentialNone
	}
	if o.Endpoint == "" {
		o.Endpoint = "unmatched"
	}
	if len(o.UserAgent) > maxUserAgent {
		o.UserAgent = o.UserAgent[:maxUserAgent]
	}
	k := Key{Dialect: o.Dialect, Endpoint: o.Endpoint, Credential: o.Credential}
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.series[k]
	if s == nil {
		if r.own >= r.max || k.Credential == CredentialOther {
			k.Credential = CredentialOther
			s = r.series[k]
		}
		if s == nil {
			s = &series{fine: newRing(fineWidth, fineSlots), coarse: newRing(coarseWidth, coarseSlots), firstSeen: o.Time}
			r.series[k] = s
			if k.Credential != CredentialOther {
				r.own++
			}
		}
	}
	failed := o.Status >= 400
	s.fine.add(o.Time, failed, o.Latency)
	s.coarse.add(o.Time, failed, o.Latency)
	s.requests++
	if failed {
		s.errors++
	}
	if o.Time.After(s.lastSeen) {
		s.lastSeen, s.lastAddr, s.lastUA, s.lastStatus = o.Time, o.Address, o.UserAgent, o.Status
	}
	if o.Time.After(r.dialects[o.Dialect]) {
		r.dialects[o.Dialect] = o.Time
	}
}

// Window is a span the console reports over.
type Window string

// Windows.
const (
	Hour Window = "hour"
	Day  Window = "day"
	Week Window = "week"
)

// ParseWindow reads a window's name; anything else is Day.
func ParseWindow(s string) Window {
	switch Window(s) {
	case Hour, Week:
		return Window(s)
	}
	return Day
}

// Duration is the window's length.
func (w Window) Duration() time.Duration {
	switch w {
	case Hour:
		return time.Hour
	case Week:
		return 7 * 24 * time.Hour
	}
	return 24 * time.Hour
}

// points is the ring and number of its buckets a window spans.
func (w Window) points(s *series) (*ring, int) {
	switch w {
	case Hour:
		return &s.fine, fineSlots
	case Week:
		return &s.coarse, coarseSlots
	}
	return &s.coarse, 24
}

// Row is one series over a window.
type Row struct {
	Key
	Requests, Errors uint64
	P50, P99         time.Duration
	// Total and TotalErrors count since the process started.
	Total, TotalErrors uint64
	FirstSeen          time.Time
	LastSeen           time.Time
	LastAddress        string
	LastUserAgent      string
	LastStatus         int
	// ClientLastSeen is when the row's credential last called the
	// dialect on any endpoint: what retiring the client depends on.
	ClientLastSeen time.Time
}

// Rows lists every series, busiest in the window first.
func (r *Recorder) Rows(w Window) []Row {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	out := make([]Row, 0, len(r.series))
	for k, s := range r.series {
		ring, n := w.points(s)
		b := ring.sum(now, n)
		out = append(out, Row{
			Key: k, Requests: uint64(b.requests), Errors: uint64(b.errors),
			P50: b.latency.quantile(0.5), P99: b.latency.quantile(0.99),
			Total: s.requests, TotalErrors: s.errors, FirstSeen: s.firstSeen,
			LastSeen: s.lastSeen, LastAddress: s.lastAddr, LastUserAgent: s.lastUA, LastStatus: s.lastStatus,
		})
	}
	type client struct{ dialect, credential string }
	last := map[client]time.Time{}
	for _, row := range out {
		if c := (client{row.Dialect, row.Credential}); row.LastSeen.After(last[c]) {
			last[c] = row.LastSeen
		}
	}
	for i := range out {
		out[i].ClientLastSeen = last[client{out[i].Dialect, out[i].Credential}]
	}
	slices.SortFunc(out, func(a, b Row) int {
		return cmp.Or(cmp.Compare(b.Requests, a.Requests), cmp.Compare(a.Dialect, b.Dialect),
			cmp.Compare(a.Endpoint, b.Endpoint), cmp.Compare(a.Credential, b.Credential))
	})
	return out
}

// Chart is requests per period of a window, one line per dialect.
type Chart struct {
	// Times are the periods' starts, Unix seconds, oldest first.
	Times  []int64       `json:"times"`
	Series []ChartSeries `json:"series"`
}

// ChartSeries is one dialect's requests and errors per period.
type ChartSeries struct {
	Dialect  string   `json:"dialect"`
	Requests []uint32 `json:"requests"`
	Errors   []uint32 `json:"errors"`
}

// Chart sums the window's buckets per dialect.
func (r *Recorder) Chart(w Window) Chart {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	var c Chart
	byDialect := map[string]*ChartSeries{}
	n := 0
	for k, s := range r.series {
		ring, points := w.points(s)
		if c.Times == nil {
			n = points
			c.Times = make([]int64, n)
			for i := range n {
				c.Times[i] = time.Unix(0, (ring.period(now)-int64(n-1-i))*int64(ring.width)).Unix()
			}
		}
		cs := byDialect[k.Dialect]
		if cs == nil {
			cs = &ChartSeries{Dialect: k.Dialect, Requests: make([]uint32, n), Errors: make([]uint32, n)}
			byDialect[k.Dialect] = cs
		}
		for i := range n {
			b := ring.at(now, n-1-i)
			cs.Requests[i] += b.requests
			cs.Errors[i] += b.errors
		}
	}
	for _, cs := range byDialect {
		c.Series = append(c.Series, *cs)
	}
	slices.SortFunc(c.Series, func(a, b ChartSeries) int { return cmp.Compare(a.Dialect, b.Dialect) })
	return c
}

// Retirement is whether a dialect or a client may be retired.
type Retirement struct {
	Name string
	// LastSeen is zero when never seen since the process started.
	LastSeen time.Time
	// Ready: silent for at least the retirement age, as far as this
	// process has seen (it has run that long).
	Ready bool
}

// Dialects tells, for each enabled dialect, when it was last called and
// whether it has been silent for retireAfter.
func (r *Recorder) Dialects(enabled []string, retireAfter time.Duration) []Retirement {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Retirement, 0, len(enabled))
	for _, name := range enabled {
		out = append(out, r.retirement(name, r.dialects[name], retireAfter))
	}
	return out
}

// Clients tells, for each credential of a dialect seen since the start,
// whether it has been silent for retireAfter.
func (r *Recorder) Clients(dialect string, retireAfter time.Duration) []Retirement {
	r.mu.Lock()
	defer r.mu.Unlock()
	last := map[string]time.Time{}
	for k, s := range r.series {
		if k.Dialect == dialect && s.lastSeen.After(last[k.Credential]) {
			last[k.Credential] = s.lastSeen
		}
	}
	out := make([]Retirement, 0, len(last))
	for name, t := range last {
		out = append(out, r.retirement(name, t, retireAfter))
	}
	slices.SortFunc(out, func(a, b Retirement) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// retirement: silent for retireAfter — since the last call, or since the
// start when this process never saw one (it cannot know further back).
func (r *Recorder) retirement(name string, last time.Time, retireAfter time.Duration) Retirement {
	since := last
	if since.IsZero() {
		since = r.started
	}
	return Retirement{Name: name, LastSeen: last, Ready: r.now().Sub(since) >= retireAfter}
}

// Started is when the recorder began counting (the process start).
func (r *Recorder) Started() time.Time { return r.started }

// Len is the number of series held, overflow ones included.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.series)
}
