package console

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestGrafanaDashboardUsesExportedMetrics: every metric the shipped
// dashboard queries is one the binary exports, once a dialect has had a
// client; a renamed metric would leave an empty panel.
func TestGrafanaDashboardUsesExportedMetrics(t *testing.T) {
	dash, err := os.ReadFile(filepath.Join("..", "..", "..", "deploy", "grafana", "dirgate-migration.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := e2eutil.Start(t, e2eutil.Options{})
	adweb(t, p, http.MethodGet, "/getdn?samAccountName=admin&FQDN=example.com", "")
	res, err := p.Get(t.Context(), "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	metrics := string(body)
	names := regexp.MustCompile(`dirgate_[a-z_]+`).FindAllString(string(dash), -1)
	if len(names) < 5 {
		t.Fatalf("the dashboard names only %v", names)
	}
	for _, n := range names {
		if !strings.Contains(metrics, "\n"+n+"{") && !strings.Contains(metrics, "\n"+n+" ") {
			t.Errorf("the dashboard queries %s, which /metrics does not export", n)
		}
	}
	// The per-client series name the credential, never an address.
	for _, line := range strings.Split(metrics, "\n") {
		if strings.HasPrefix(line, "dirgate_client_") && strings.Contains(line, "127.0.0.1") {
			t.Errorf("a client metric carries an address: %s", line)
		}
	}
}
