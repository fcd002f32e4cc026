package serve

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/registry"
	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMetrics(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	ready(t, p, http.StatusOK) // one directory operation: Health
	body := get(t, p, "/metrics?password=hunter2")
	for _, want := range []string{
		`dirgate_http_requests_total{dialect="server",method="GET",route="/healthz",status="200"}`,
		`dirgate_http_request_duration_seconds_bucket{dialect="server",route="/readyz"`,
		`dirgate_directory_operation_duration_seconds_count{domain="example.com",operation="Health"}`,
		`dirgate_build_info{version=`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(p.Output(), "hunter2") {
		t.Error("a query string reached the output")
	}
}

// TestReadyzFollowsTheDirectory stops slapd under a running dirgate:
// /readyz must turn 503 within 2 s, and 200 again once slapd is back.
func TestReadyzFollowsTheDirectory(t *testing.T) {
	if _, ok := registry.Backends()["ldap"]; !ok {
		t.Skip("the ldap backend is not registered in cmd/dirgate/registry.go yet")
	}
	srv, backend := e2eutil.LDAP(t, slapd.Options{})
	p := e2eutil.Start(t, e2eutil.Options{Config: e2eutil.DomainConfig(t, "example.com", backend, nil)})
	ready(t, p, http.StatusOK)

	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	waitStatus(t, p, http.StatusServiceUnavailable, 2*time.Second)
	t.Logf("unready %s after slapd stopped", time.Since(stopped))

	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, p, http.StatusOK, 10*time.Second)
	if code := p.Stop(); code != 0 {
		t.Errorf("exit code %d", code)
	}
}

func waitStatus(t *testing.T, p *e2eutil.Process, want int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	last := 0
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(context.Background(), within)
		resp, err := p.Get(ctx, "/readyz")
		cancel()
		if err == nil {
			resp.Body.Close()
			last = resp.StatusCode
			if last == want {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("/readyz still %d after %s, want %d", last, within, want)
}

func get(t *testing.T, p *e2eutil.Process, path string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := p.Get(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s = %d %s", path, resp.StatusCode, b)
	}
	return string(b)
}
