package server

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/dialect"
)

func withConsole(cfg *config.Config) {
	cfg.Console = config.Console{Enabled: true, SessionSecret: strings.Repeat("s", 32), SessionLifetime: 3600e9,
		AdminGroups: []string{"ops"}, RetireAfter: 3600e9, MaxClients: 10, AuditEntries: 10}
}

// TestConsoleLandingAndClientCounts: with the console on, the main
// listener's landing names it (JSON) and links it (HTML); a dialect's
// requests are counted per client in /metrics, the console's own are not.
func TestConsoleLandingAndClientCounts(t *testing.T) {
	h := start(t, withConsole)
	get := func(path, accept string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, h.base+path, nil)
		if accept != "" {
			req.Header.Set("Accept", accept)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	_, body := get("/", "application/json")
	var l landing
	if err := json.Unmarshal([]byte(body), &l); err != nil || l.Console != "/console/" || l.Metrics != "/metrics" || l.APIDocs != "" {
		t.Errorf("landing = %s (%v); want the console and metrics, no API docs without the openapi dialect", body, err)
	}
	if _, page := get("/", "text/html"); !strings.Contains(page, `<a href="/console/">`) || !strings.Contains(page, `<a href="/metrics">`) {
		t.Errorf("the landing page links neither the console nor the metrics:\n%s", page)
	}
	if resp, _ := get("/console/", ""); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET /console/ without a session = %d, want a redirect to the login", resp.StatusCode)
	}
	if resp, body := get("/console/no/such/page", ""); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"docs"`) {
		t.Errorf("a stray console path = %d %s, want the neutral 404", resp.StatusCode, body)
	}
	resp, err := http.Post(h.base+"/p/echo", "text/plain", strings.NewReader("hi"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, metrics := get("/metrics", "")
	if !strings.Contains(metrics, `dirgate_client_requests_total{credential="(none)",dialect="probe",endpoint="/p/echo"} 1`) {
		t.Errorf("the probe's request is not counted per client:\n%s", grep(metrics, "dirgate_client_"))
	}
	if counted := grep(metrics, "dirgate_client_requests_total"); strings.Contains(counted, `dialect="console"`) || strings.Contains(counted, `dialect="server"`) {
		t.Errorf("the server's own routes are counted as clients:\n%s", grep(metrics, "dirgate_client_"))
	}
}

func grep(text, prefix string) string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, prefix) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// documented is a dialect with an OpenAPI document and no routes.
type documented struct{ name string }

func (d documented) Name() string                        { return d.name }
func (d documented) Mount(*echo.Group, dialect.Listener) {}
func (d documented) APIDocument() []byte {
	return []byte(`{"openapi": "3.0.3", "info": {"title": "` + d.name + ` API"}, "paths": {}}`)
}

type documentedConfig struct{ name string }

func (c documentedConfig) Validate() error                             { return nil }
func (c documentedConfig) Build(dialect.Deps) (dialect.Dialect, error) { return documented(c), nil }

// TestConsoleRendersEveryDocumentedDialect: every enabled dialect with
// an OpenAPI document is in /api/docs, with its own configured prefix as
// the server; a disabled one is not.
func TestConsoleRendersEveryDocumentedDialect(t *testing.T) {
	h := start(t, func(cfg *config.Config) {
		withConsole(cfg)
		cfg.Dialects["alpha"] = config.Dialect{Enabled: true, Prefix: "/a/v1", Config: documentedConfig{"alpha"}}
		cfg.Dialects["beta"] = config.Dialect{Enabled: true, Prefix: "/b", Config: documentedConfig{"beta"}}
		cfg.Dialects["gamma"] = config.Dialect{Enabled: false, Prefix: "/g", Config: documentedConfig{"gamma"}}
	})
	get := func(path string) (int, string) {
		resp, err := http.Get(h.base + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp.StatusCode, string(b)
	}
	status, page := get("/api/docs/")
	if status != http.StatusOK || !strings.Contains(page, `<option value="/api/docs/alpha.json">alpha API</option><option value="/api/docs/beta.json">beta API</option></select>`) {
		t.Errorf("GET /api/docs/ = %d; want a selector of alpha and beta:\n%s", status, page)
	}
	for name, prefix := range map[string]string{"alpha": "/a/v1", "beta": "/b"} {
		status, body := get("/api/docs/" + name + ".json")
		if status != http.StatusOK || !strings.Contains(body, `"servers":[{"description":"this dirgate","url":"`+prefix+`"}]`) {
			t.Errorf("GET /api/docs/%s.json = %d %s; want the document with server %s", name, status, body, prefix)
		}
	}
	if status, _ := get("/api/docs/gamma.json"); status == http.StatusOK {
		t.Error("a disabled dialect's document is served")
	}
	_, body := get("/")
	var l landing
	if err := json.Unmarshal([]byte(body), &l); err != nil || l.APIDocs != "/api/docs/" {
		t.Errorf("landing = %s (%v); want the API reference linked", body, err)
	}
}
