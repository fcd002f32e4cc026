package throttle

import (
	"fmt"
	"net/netip"
	"runtime"
	"testing"
)

// BenchmarkCheck is the throttle's cost on a successful login: one
// check of an (account, address) pair and its outcome.
func BenchmarkCheck(b *testing.B) {
	l := New(DefaultConfig())
	for b.Loop() {
		a, _ := l.Begin(owner, "admin")
		a.Succeeded()
	}
}

// BenchmarkFullTable is a failure from a new address each time, with
// the table at its cap: every check evicts.
func BenchmarkFullTable(b *testing.B) {
	cfg := DefaultConfig()
	cfg.MaxTracked = 10_000
	l := New(cfg)
	i := 0
	for b.Loop() {
		i++
		if a, _ := l.Begin(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), "x"); a != nil {
			a.Failed()
		}
	}
}

// BenchmarkTableMemory reports the heap a full table of MaxTracked
// buckets takes, per bucket.
func BenchmarkTableMemory(b *testing.B) {
	for b.Loop() {
		cfg := DefaultConfig()
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		l := New(cfg)
		for i := range cfg.MaxTracked / 2 {
			a, _ := l.Begin(netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}), fmt.Sprintf("user%d", i))
			a.Failed()
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(l.Tracked()), "bytes/bucket")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB/table")
		runtime.KeepAlive(l)
	}
}
