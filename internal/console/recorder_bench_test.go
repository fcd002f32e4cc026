package console

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// BenchmarkRecorderObserve is the cost the per-client recorder adds to
// every dialect request (one existing series).
func BenchmarkRecorderObserve(b *testing.B) {
	r := NewRecorder(1000)
	o := Observation{Dialect: "adweb", Endpoint: "/restapi/getuserinfo", Credential: "apikey:hr", Status: 200,
		Latency: 3 * time.Millisecond, Address: "192.0.2.10", UserAgent: "LegacyHR/4.2"}
	b.ReportAllocs()
	for b.Loop() {
		r.Observe(o)
	}
}

// BenchmarkRecorderObserveParallel: every request of every core takes the
// recorder's one lock.
func BenchmarkRecorderObserveParallel(b *testing.B) {
	r := NewRecorder(1000)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		o := Observation{Dialect: "kanboard", Endpoint: "getUser", Credential: "jsonrpc", Status: 200, Latency: time.Millisecond}
		for pb.Next() {
			r.Observe(o)
		}
	})
}

// BenchmarkRecorderMemory reports the heap a full recorder holds per
// series (the bound console.maxClients is priced in).
func BenchmarkRecorderMemory(b *testing.B) {
	const n = 1000
	for b.Loop() {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r := NewRecorder(n)
		for i := range n {
			r.Observe(Observation{Dialect: "adweb", Endpoint: "/restapi/getdn", Credential: fmt.Sprintf("key-%04d", i), Status: 200})
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/series")
		runtime.KeepAlive(r)
	}
}

// BenchmarkRecorderRows is the migration view's read of a full recorder
// over a week.
func BenchmarkRecorderRows(b *testing.B) {
	r := NewRecorder(1000)
	for i := range 1000 {
		r.Observe(Observation{Dialect: "adweb", Endpoint: "/restapi/getdn", Credential: fmt.Sprintf("key-%04d", i), Status: 200})
	}
	for b.Loop() {
		_ = r.Rows(Week)
	}
}
