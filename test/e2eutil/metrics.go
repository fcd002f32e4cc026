package e2eutil

import (
	"bufio"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Metric reads one series from the /metrics page of the dirgate at base:
// series is its name and labels as exposed, labels in name order
// (`dirgate_readmodel_loads_total{domain="example.com"}`). A series the
// page does not show fails the test.
func Metric(tb testing.TB, base, series string) float64 {
	tb.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	s := bufio.NewScanner(resp.Body)
	s.Buffer(nil, 1<<20)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), series+" "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				tb.Fatalf("%s: %v", series, err)
			}
			return n
		}
	}
	tb.Fatalf("no %s in /metrics (%v)", series, s.Err())
	return 0
}
