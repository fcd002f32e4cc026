package e2eutil

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Options says how to start dirgate.
type Options struct {
	// Config is the YAML configuration; empty runs the quick start.
	// --listen and --data-dir are always given, so the file need name
	// neither.
	Config string
	// DataDir defaults to a fresh t.TempDir().
	DataDir string
	// Listen defaults to a free loopback port.
	Listen string
	// Args are extra arguments after `serve`.
	Args []string
	// Env is added to the process's environment.
	Env []string
	// NoWait returns as soon as the process started, without waiting for
	// /healthz (for starts that are meant to fail).
	NoWait bool
	// Ready is how long to wait for /healthz; default 10s (under -race
	// and a busy CI machine starting takes longer than in production).
	Ready time.Duration
	// FaultInjection runs the faultinject build (FaultBinary).
	FaultInjection bool
}

// Process is a running dirgate.
type Process struct {
	// Listen is the main listener's host:port, URL its http:// base.
	Listen  string
	URL     string
	DataDir string
	// ConfigPath is the file given with --config ("" in quick start).
	ConfigPath string
	// Started is when the process was started; Healthy when /healthz
	// first answered 200.
	Started time.Time
	Healthy time.Time

	tb     testing.TB
	cmd    *exec.Cmd
	stdout *buffer
	stderr *buffer
	done   chan struct{}
	code   int
}

// Start runs `dirgate serve` and waits until /healthz answers 200. The
// process is stopped when the test ends, if still running.
func Start(tb testing.TB, o Options) *Process {
	tb.Helper()
	bin := Binary(tb)
	if o.FaultInjection {
		bin = FaultBinary(tb)
	}
	if o.DataDir == "" {
		o.DataDir = tb.TempDir()
	}
	if o.Listen == "" {
		o.Listen = FreeAddr(tb)
	}
	if o.Ready == 0 {
		o.Ready = 10 * time.Second
	}
	p := &Process{
		Listen: o.Listen, URL: "http://" + o.Listen, DataDir: o.DataDir,
		tb: tb, stdout: &buffer{}, stderr: &buffer{}, done: make(chan struct{}),
	}
	args := []string{"serve", "--listen", o.Listen, "--data-dir", o.DataDir}
	if o.Config != "" {
		p.ConfigPath = filepath.Join(tb.TempDir(), "dirgate.yaml")
		if err := os.WriteFile(p.ConfigPath, []byte(o.Config), 0o600); err != nil {
			tb.Fatal(err)
		}
		args = append(args, "--config", p.ConfigPath)
	}
	args = append(args, o.Args...)
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(cleanEnv(), o.Env...)
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	p.Started = time.Now()
	if err := p.cmd.Start(); err != nil {
		tb.Fatalf("start dirgate: %v", err)
	}
	go func() {
		err := p.cmd.Wait()
		p.code = exitCode(err)
		close(p.done)
	}()
	tb.Cleanup(func() {
		if p.Running() {
			p.Stop()
		}
		if tb.Failed() {
			tb.Logf("dirgate stdout:\n%s\ndirgate stderr:\n%s", p.Stdout(), p.Stderr())
		}
	})
	if !o.NoWait {
		p.waitHealthy(o.Ready)
	}
	return p
}

// cleanEnv is the test's environment without DIRGATE_* variables, so a
// developer's shell settings never leak into a test.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if len(kv) >= 8 && kv[:8] == "DIRGATE_" {
			continue
		}
		env = append(env, kv)
	}
	return env
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return 128 + int(ws.Signal())
		}
		return ee.ExitCode()
	}
	return -1
}

func (p *Process) waitHealthy(limit time.Duration) {
	p.tb.Helper()
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		if !p.Running() {
			p.tb.Fatalf("dirgate exited with %d before answering /healthz\nstdout:\n%s\nstderr:\n%s", p.code, p.Stdout(), p.Stderr())
		}
		resp, err := client.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.Healthy = time.Now()
				return
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	p.tb.Fatalf("dirgate did not answer /healthz within %s\nstderr:\n%s", limit, p.Stderr())
}

// Running reports whether the process has not exited.
func (p *Process) Running() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// Signal sends sig to the process.
func (p *Process) Signal(sig os.Signal) {
	p.tb.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil && p.Running() {
		p.tb.Fatalf("signal dirgate: %v", err)
	}
}

// Wait waits up to limit for the process to exit and returns its exit
// code; it kills the process and fails the test when it does not exit.
func (p *Process) Wait(limit time.Duration) int {
	p.tb.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(limit):
		_ = p.cmd.Process.Kill()
		<-p.done
		p.tb.Fatalf("dirgate did not exit within %s\nstderr:\n%s", limit, p.Stderr())
		return -1
	}
}

// Stop sends SIGTERM and returns the exit code (waiting up to 10s).
func (p *Process) Stop() int {
	p.tb.Helper()
	p.Signal(syscall.SIGTERM)
	return p.Wait(10 * time.Second)
}

// Stdout and Stderr return everything the process wrote so far.
func (p *Process) Stdout() string { return p.stdout.String() }
func (p *Process) Stderr() string { return p.stderr.String() }

// Output is stdout and stderr together, for "never in any output"
// assertions.
func (p *Process) Output() string { return p.Stdout() + p.Stderr() }

// Credentials reads the quick start's initial-credentials.json.
func (p *Process) Credentials() map[string]any {
	p.tb.Helper()
	raw, err := os.ReadFile(filepath.Join(p.DataDir, "initial-credentials.json"))
	if err != nil {
		p.tb.Fatalf("initial credentials: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		p.tb.Fatalf("initial credentials: %v\n%s", err, raw)
	}
	return c
}

// Get fetches a path from the main listener.
func (p *Process) Get(ctx context.Context, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.URL+path, nil)
	if err != nil {
		return nil, err
	}
	return http.DefaultClient.Do(req)
}

// UnixClient is an HTTP client that talks to a unix socket whatever the
// URL's host (use http://localhost/...).
func UnixClient(socket string) *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", socket)
	}}}
}

// FreeAddr returns a loopback host:port nothing listens on now.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// Result is a finished dirgate command.
type Result struct {
	Code           int
	Stdout, Stderr string
}

// Run runs a dirgate command to completion (config check, export, ...).
func Run(tb testing.TB, env []string, args ...string) Result {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, Binary(tb), args...)
	cmd.Env = append(cleanEnv(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		tb.Fatalf("dirgate %v did not finish: %v", args, ctx.Err())
	}
	return Result{Code: exitCode(err), Stdout: stdout.String(), Stderr: stderr.String()}
}

// buffer is a goroutine-safe bytes.Buffer for a child's output.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// String describes the process for failure messages.
func (p *Process) String() string { return fmt.Sprintf("dirgate on %s (data %s)", p.Listen, p.DataDir) }
