package server

import (
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestProfilerIsOffUnlessAsked(t *testing.T) {
	if err := StartProfiler(t.Context(), "", slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("no address: %v", err)
	}
}

func TestProfilerListensOnLoopbackOnly(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	for _, addr := range []string{"0.0.0.0:0", "192.0.2.1:6060", ":6060", "example.com:6060", "nonsense"} {
		if err := StartProfiler(t.Context(), addr, log); err == nil {
			t.Errorf("%s was accepted", addr)
		}
	}
	ln := freeAddr(t)
	if err := StartProfiler(t.Context(), ln, log); err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + ln + "/debug/pprof/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "goroutine") {
		t.Fatalf("/debug/pprof/: %d %s", resp.StatusCode, body)
	}
}
