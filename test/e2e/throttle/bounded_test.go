package throttle_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestLimiterTableStaysBounded: clients rotating source addresses and
// account names cannot grow the throttle's table past
// server.throttle.maxTracked, as /metrics reports it.
func TestLimiterTableStaysBounded(t *testing.T) {
	cfg := e2eutil.DomainConfig(t, "example.com", map[string]any{"type": "embedded"}, map[string]any{
		"server":   map[string]any{"throttle": map[string]any{"maxTracked": 100}},
		"dialects": map[string]any{"kanboard": map[string]any{"config": map[string]any{"token": "bounded-kanboard-token-0123"}}},
	})
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})
	// 200 addresses, each failing once with the API token (one bucket for
	// the address) and once as its own user (one for the pair): 400
	// buckets without the cap.
	for i := range 200 {
		c := from(fmt.Sprintf("127.0.%d.%d", 1+i/250, 1+i%250))
		for _, creds := range []http.Header{basic("jsonrpc", "wrong"), basic(fmt.Sprintf("user%d", i), "wrong")} {
			if a := do(t, c, http.MethodPost, p.URL+"/jsonrpc.php", getAllUsers, creds); a.status != http.StatusUnauthorized {
				t.Fatalf("client %d: HTTP %d %s", i, a.status, a.body)
			}
		}
		c.CloseIdleConnections()
	}
	a := do(t, from("127.0.0.1"), http.MethodGet, p.URL+"/metrics", "", nil)
	m := regexp.MustCompile(`(?m)^dirgate_throttle_tracked (\d+)$`).FindStringSubmatch(a.body)
	if m == nil {
		t.Fatalf("no dirgate_throttle_tracked in /metrics:\n%s", a.body)
	}
	if n, _ := strconv.Atoi(m[1]); n > 100 || n < 50 {
		t.Fatalf("dirgate_throttle_tracked = %d after 400 new limits; want at most the cap of 100 (and the recent ones kept)", n)
	}
}
