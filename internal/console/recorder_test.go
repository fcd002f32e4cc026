package console

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// clock is a recorder's time, moved by the test.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestRecorder(limit int) (*Recorder, *clock) {
	c := &clock{t: time.Date(2026, 12, 7, 10, 2, 0, 0, time.UTC)}
	r := NewRecorder(limit)
	r.now, r.started = c.now, c.t
	return r, c
}

// TestRecorderBoundsClients: past the bound, new clients are counted
// under "other" of their endpoint, and the series never grow past the
// bound plus one "other" per endpoint, whatever the number of clients.
func TestRecorderBoundsClients(t *testing.T) {
	r, _ := newTestRecorder(3)
	for i := range 1000 {
		for _, ep := range []string{"/a", "/b"} {
			r.Observe(Observation{Dialect: "adweb", Endpoint: ep, Credential: fmt.Sprintf("key-%d", i), Status: 200, Latency: time.Millisecond})
		}
	}
	if got, want := r.Len(), 3+2; got != want {
		t.Fatalf("series = %d, want %d", got, want)
	}
	var other uint64
	for _, row := range r.Rows(Day) {
		if row.Credential == CredentialOther {
			other += row.Requests
		}
	}
	// key-0 and key-1 have /a and /b, key-2 has /a: 3 own series, the
	// remaining 2000-3 requests are "other".
	if other != 2000-3 {
		t.Errorf("other counted %d requests, want %d", other, 2000-3)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(r.Collector())
	if n := testutil.CollectAndCount(r.Collector(), "dirgate_client_requests_total"); n != 5 {
		t.Errorf("dirgate_client_requests_total has %d series, want 5 (the bound)", n)
	}
}

// TestRecorderRefusedAndAnonymousRequests: what a refused client claimed
// is not a client, so it can neither take a slot nor push a real one out.
func TestRecorderRefusedAndAnonymousRequests(t *testing.T) {
	r, _ := newTestRecorder(10)
	for i := range 50 {
		status := 401
		if i%2 == 1 {
			status = 429 // throttled before the name was checked
		}
		r.Observe(Observation{Dialect: "openapi", Endpoint: "/login", Credential: fmt.Sprintf("guess-%d", i), Status: status})
	}
	r.Observe(Observation{Dialect: "openapi", Endpoint: "/login", Status: 400})
	rows := r.Rows(Hour)
	if len(rows) != 2 || rows[0].Credential != CredentialUnauthenticated || rows[0].Requests != 50 || rows[0].Errors != 50 ||
		rows[1].Credential != CredentialNone {
		t.Fatalf("rows = %+v", rows)
	}
}

// TestRecorderWindows: a request leaves the hour after an hour, the day
// after a day and the week after a week; its buckets are reused, not
// summed into later periods.
func TestRecorderWindows(t *testing.T) {
	r, c := newTestRecorder(10)
	obs := Observation{Dialect: "kanboard", Endpoint: "getUser", Credential: "jsonrpc", Status: 200, Latency: 3 * time.Millisecond,
		Address: "192.0.2.7", UserAgent: strings.Repeat("x", 500)}
	r.Observe(obs)
	count := func(w Window) uint64 {
		rows := r.Rows(w)
		if len(rows) != 1 {
			t.Fatalf("rows = %+v", rows)
		}
		return rows[0].Requests
	}
	if count(Hour) != 1 || count(Day) != 1 || count(Week) != 1 {
		t.Fatal("a fresh request is missing from a window")
	}
	row := r.Rows(Hour)[0]
	if row.P50 != 5*time.Millisecond || row.P99 != 5*time.Millisecond {
		t.Errorf("p50, p99 = %v, %v; want the 5ms bucket", row.P50, row.P99)
	}
	if row.LastAddress != "192.0.2.7" || len(row.LastUserAgent) != maxUserAgent {
		t.Errorf("last seen details: %q, %d bytes of User-Agent", row.LastAddress, len(row.LastUserAgent))
	}
	c.t = c.t.Add(61 * time.Minute)
	if count(Hour) != 0 || count(Day) != 1 {
		t.Errorf("after an hour: hour %d, day %d; want 0, 1", count(Hour), count(Day))
	}
	c.t = c.t.Add(24 * time.Hour)
	if count(Day) != 0 || count(Week) != 1 {
		t.Errorf("after a day: day %d, week %d; want 0, 1", count(Day), count(Week))
	}
	// A week on, the request's slot is reused: the new one counts alone.
	c.t = c.t.Add(6 * 24 * time.Hour)
	obs.Time = c.t
	r.Observe(obs)
	if got := count(Week); got != 1 {
		t.Errorf("week after a week = %d, want 1", got)
	}
	if row := r.Rows(Week)[0]; row.Total != 2 {
		t.Errorf("total = %d, want 2", row.Total)
	}
}

// TestRecorderRetirement: a dialect silent for the retirement age is
// ready; one never called is ready only once the process has run that
// long, since it cannot know what came before.
func TestRecorderRetirement(t *testing.T) {
	r, c := newTestRecorder(10)
	r.Observe(Observation{Dialect: "adweb", Endpoint: "/a", Credential: "k1", Status: 200})
	age := 10 * 24 * time.Hour
	ready := func() map[string]bool {
		out := map[string]bool{}
		for _, d := range r.Dialects([]string{"adweb", "artica"}, age) {
			out[d.Name] = d.Ready
		}
		return out
	}
	if got := ready(); got["adweb"] || got["artica"] {
		t.Errorf("at the start: %v, want none ready", got)
	}
	c.t = c.t.Add(age)
	r.Observe(Observation{Time: c.t, Dialect: "adweb", Endpoint: "/a", Credential: "k2", Status: 200})
	if got := ready(); got["adweb"] || !got["artica"] {
		t.Errorf("after the age: %v, want artica ready only", got)
	}
	clients := r.Clients("adweb", age)
	if len(clients) != 2 || !clients[0].Ready || clients[1].Ready {
		t.Errorf("clients = %+v, want k1 ready and k2 not", clients)
	}
	// k1 calls another endpoint now: its old endpoint's row no longer
	// makes it retirable.
	r.Observe(Observation{Time: c.t, Dialect: "adweb", Endpoint: "/b", Credential: "k1", Status: 200})
	for _, row := range r.Rows(Day) {
		if row.Credential == "k1" && !row.ClientLastSeen.Equal(c.t) {
			t.Errorf("row %s %s: client last seen %v, want %v (its latest call on any endpoint)", row.Endpoint, row.Credential, row.ClientLastSeen, c.t)
		}
	}
}

func TestHistogramQuantile(t *testing.T) {
	var h histogram
	for range 98 {
		h.add(time.Millisecond)
	}
	h.add(40 * time.Millisecond)
	h.add(time.Minute)
	if got := h.quantile(0.5); got != time.Millisecond {
		t.Errorf("p50 = %v", got)
	}
	if got := h.quantile(0.99); got != 50*time.Millisecond {
		t.Errorf("p99 = %v", got)
	}
	if got := h.quantile(1); got != 20*time.Second {
		t.Errorf("p100 = %v, want twice the last bound", got)
	}
}

// TestRecorderChart: one line per dialect, a point per period of the
// window, oldest first, the requests and errors of that period.
func TestRecorderChart(t *testing.T) {
	r, c := newTestRecorder(10)
	start := c.t
	r.Observe(Observation{Dialect: "adweb", Endpoint: "/a", Credential: "k", Status: 500})
	c.t = c.t.Add(10 * time.Minute)
	for _, cred := range []string{"k", "j"} {
		r.Observe(Observation{Time: c.t, Dialect: "adweb", Endpoint: "/a", Credential: cred, Status: 200})
	}
	r.Observe(Observation{Time: c.t, Dialect: "kanboard", Endpoint: "getUser", Credential: "jsonrpc", Status: 200})
	ch := r.Chart(Hour)
	if len(ch.Times) != fineSlots || len(ch.Series) != 2 || ch.Series[0].Dialect != "adweb" || ch.Series[1].Dialect != "kanboard" {
		t.Fatalf("chart = %+v", ch)
	}
	last := fineSlots - 1
	if ch.Times[last] > c.t.Unix() || ch.Times[last] <= c.t.Add(-fineWidth).Unix() {
		t.Errorf("the last point starts at %v, want the period of %v", time.Unix(ch.Times[last], 0).UTC(), c.t)
	}
	adweb := ch.Series[0]
	if adweb.Requests[last] != 2 || adweb.Requests[last-2] != 1 || adweb.Errors[last-2] != 1 || adweb.Errors[last] != 0 {
		t.Errorf("adweb: requests %v errors %v; want 1 error 10 minutes (two points) before 2 requests now (start %v)",
			adweb.Requests, adweb.Errors, start)
	}
	if day := r.Chart(Day); len(day.Times) != 24 || day.Series[0].Requests[23]+day.Series[0].Requests[22] != 3 {
		t.Errorf("day chart = %+v", day)
	}
}
