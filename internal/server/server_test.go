package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
)

// probe is a dialect made for these tests: it answers oversized bodies in
// its own envelope, panics on demand and names its own routes.
type probe struct {
	mounted  []dialect.Listener
	foldCase bool
	closed   int
}

func (p *probe) Name() string { return "probe" }

func (p *probe) CaseInsensitivePrefix() bool { return p.foldCase }

// Close counts how often the server closes the dialect.
func (p *probe) Close() error { p.closed++; return nil }

func (p *probe) Mount(g *echo.Group, on dialect.Listener) {
	p.mounted = append(p.mounted, on)
	g.POST("/echo", func(c echo.Context) error {
		b, err := dialect.ReadBody(c)
		if errors.Is(err, dialect.ErrBodyTooLarge) {
			return c.JSON(http.StatusRequestEntityTooLarge, map[string]any{"probe": false, "why": "too large"})
		}
		if err != nil {
			return c.JSON(http.StatusBadRequest, map[string]any{"probe": false})
		}
		return c.JSON(http.StatusOK, map[string]any{"probe": true, "len": len(b), "on": on.Network})
	})
	g.GET("/panic", func(c echo.Context) error { panic("secret-internal-state") })
	g.Any("/rpc/*", func(c echo.Context) error {
		dialect.SetRoute(c, "rpc.method")
		return c.String(http.StatusOK, "ok")
	})
}

type probeConfig struct {
	d *probe
	// deps is what the server built the dialect with.
	deps dialect.Deps
}

func (c *probeConfig) Validate() error { return nil }
func (c *probeConfig) Build(deps dialect.Deps) (dialect.Dialect, error) {
	c.deps = deps
	return c.d, nil
}

type harness struct {
	srv    *Server
	base   string // http://main
	socket string
	log    *inproc.Buffer
	probe  *probe
	cancel context.CancelFunc
	done   chan error
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func start(t *testing.T, mutate func(*config.Config)) *harness {
	t.Helper()
	main := freeAddr(t)
	sock := filepath.Join(t.TempDir(), "probe.sock")
	p := &probe{}
	cfg := &config.Config{
		Listen: main,
		Server: config.Server{BodyLimit: 64, ShutdownGrace: 3 * time.Second, ReadHeaderTimeout: 5 * time.Second},
		Dialects: map[string]config.Dialect{"probe": {
			Enabled: true, Prefix: "/p", Config: &probeConfig{d: p},
			Listeners: []config.Listener{{TCP: main}, {Unix: sock, Mode: 0o600}},
		}},
	}
	if mutate != nil {
		mutate(cfg)
	}
	logs := &inproc.Buffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(Options{Config: cfg, Log: log, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h := &harness{srv: srv, base: "http://" + main, socket: sock, log: logs, probe: p, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- srv.Run(ctx) }()
	waitFor(t, func() bool {
		resp, err := http.Get(h.base + "/healthz")
		if err == nil {
			resp.Body.Close()
		}
		return err == nil
	})
	t.Cleanup(func() { h.stop(t) })
	return h
}

func (h *harness) stop(t *testing.T) {
	t.Helper()
	h.cancel()
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	h.done <- nil // later stops return at once
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatal("condition not met in 5s")
}

func unixClient(path string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}}}
}

func TestHealthAndRequestID(t *testing.T) {
	h := start(t, nil)
	resp, err := http.Get(h.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(resp.Header.Get("X-Request-ID")) != 32 {
		t.Errorf("healthz: %d, request id %q", resp.StatusCode, resp.Header.Get("X-Request-ID"))
	}
	for in, kept := range map[string]bool{"abc-123": true, "bad id": false, strings.Repeat("x", 129): false} {
		req, _ := http.NewRequest(http.MethodGet, h.base+"/healthz", nil)
		req.Header.Set("X-Request-ID", in)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-ID"); (got == in) != kept || got == "" {
			t.Errorf("X-Request-ID %q answered %q", in, got)
		}
	}
}

func TestDialectOnEveryListener(t *testing.T) {
	h := start(t, nil)
	if len(h.probe.mounted) != 2 {
		t.Fatalf("mounted on %v", h.probe.mounted)
	}
	for name, c := range map[string]*http.Client{"tcp": http.DefaultClient, "unix": unixClient(h.socket)} {
		resp, err := c.Post(h.base+"/p/echo", "application/json", strings.NewReader(`{"x":1}`))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 200 || body["on"] != name {
			t.Errorf("%s: %d %v", name, resp.StatusCode, body)
		}
	}
	fi, err := os.Stat(h.socket)
	if err != nil || fi.Mode().Perm() != 0o600 || fi.Mode().Type() != os.ModeSocket {
		t.Errorf("socket %v %v", fi, err)
	}
}

func TestBodyLimitAnsweredByDialect(t *testing.T) {
	h := start(t, nil)
	resp, err := http.Post(h.base+"/p/echo", "application/json", strings.NewReader(strings.Repeat("x", 65)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(b), `"probe":false`) {
		t.Errorf("oversized body: %d %s", resp.StatusCode, b)
	}
}

func TestPanicIsAGeneric500(t *testing.T) {
	h := start(t, nil)
	resp, err := http.Get(h.base + "/p/panic")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 500 || strings.Contains(string(b), "secret-internal-state") || strings.Contains(string(b), "goroutine") {
		t.Errorf("panic answered %d %s", resp.StatusCode, b)
	}
	logs := h.log.String()
	if !strings.Contains(logs, "secret-internal-state") || !strings.Contains(logs, "server_test.go") {
		t.Error("the panic and its stack are not in the server log")
	}
	// The server still answers.
	resp, err = http.Get(h.base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

func TestAccessLogAndMetrics(t *testing.T) {
	h := start(t, nil)
	resp, err := http.Get(h.base + "/p/rpc/anything?password=hunter2")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = http.Get(h.base + "/p/nothing-here")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var line map[string]any
	for _, l := range strings.Split(h.log.String(), "\n") {
		if strings.Contains(l, `"route":"rpc.method"`) {
			_ = json.Unmarshal([]byte(l), &line)
		}
	}
	if line == nil {
		t.Fatalf("no access log line for the request:\n%s", h.log.String())
	}
	for k, want := range map[string]any{"method": "GET", "path": "/p/rpc/anything", "status": float64(200), "dialect": "probe"} {
		if line[k] != want {
			t.Errorf("access log %s = %v, want %v", k, line[k], want)
		}
	}
	for _, k := range []string{"latency_ms", "request_id", "remote", "bytes"} {
		if _, ok := line[k]; !ok {
			t.Errorf("access log lacks %s", k)
		}
	}
	if strings.Contains(h.log.String(), "hunter2") {
		t.Error("the query string reached the log")
	}
	resp, err = http.Get(h.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`dirgate_http_requests_total{dialect="probe",method="GET",route="rpc.method",status="200"} 1`,
		`dirgate_http_requests_total{dialect="probe",method="GET",route="unmatched",status="404"} 1`,
		`dirgate_http_request_duration_seconds_bucket{dialect="probe",route="rpc.method"`,
		`dirgate_build_info{version="test"} 1`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestInFlightRequestFinishes sends half a body, stops the server, then
// sends the rest: the request must be answered, and Run must return.
func TestInFlightRequestFinishes(t *testing.T) {
	h := start(t, nil)
	conn, err := net.Dial("tcp", strings.TrimPrefix(h.base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /p/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 20\r\n\r\n0123456789")
	time.Sleep(100 * time.Millisecond) // the handler is now reading the body
	h.cancel()
	time.Sleep(200 * time.Millisecond) // shutdown has begun
	if _, err := net.DialTimeout("tcp", strings.TrimPrefix(h.base, "http://"), 200*time.Millisecond); err == nil {
		t.Error("the listener still accepts after shutdown began")
	}
	fmt.Fprintf(conn, "0123456789")
	reply, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(reply), "HTTP/1.1 200") || !strings.Contains(string(reply), `"len":20`) {
		t.Errorf("in-flight request answered %q", reply)
	}
	select {
	case err := <-h.done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
		h.done <- nil
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return")
	}
	if _, err := os.Lstat(h.socket); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket left behind: %v", err)
	}
}

func TestCaseInsensitivePrefixAndClose(t *testing.T) {
	h := start(t, nil)
	h.probe.foldCase = false // mounted already: the prefix is case-sensitive
	resp, err := http.Get(h.base + "/P/rpc/x")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/P/rpc/x on a case-sensitive prefix: %d, want 404", resp.StatusCode)
	}
	h.stop(t)
	if h.probe.closed != 1 {
		t.Fatalf("dialect closed %d times at shutdown, want once", h.probe.closed)
	}

	p := &probe{foldCase: true}
	h2 := start(t, func(c *config.Config) {
		d := c.Dialects["probe"]
		d.Prefix = "/restapi"
		d.Config = &probeConfig{d: p}
		c.Dialects["probe"] = d
	})
	for path, want := range map[string]int{
		"/RESTAPI/rpc/x": http.StatusOK, "/RestApi/rpc/x": http.StatusOK, "/restapi/rpc/x": http.StatusOK,
		"/RESTAPIX/rpc/x": http.StatusNotFound,
	} {
		resp, err := http.Get(h2.base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", path, resp.StatusCode, want)
		}
	}
}
