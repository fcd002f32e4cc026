package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// dirgateProc is a running `dirgate serve`.
type dirgateProc struct {
	cmd     *exec.Cmd
	done    chan struct{}
	url     string // http://127.0.0.1:<port>
	dataDir string
	log     *os.File
	// started is just before exec; ready when /readyz first answered 200.
	started, ready time.Time
}

// startDirgate runs `dirgate serve` with the configuration file (none: the
// quick start) in dataDir, its output going to dataDir/dirgate.log, and
// waits until /readyz answers 200, for at most limit.
func startDirgate(ctx context.Context, bin, dataDir, configPath string, env []string, limit time.Duration) (*dirgateProc, error) {
	listen, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logFile, err := os.OpenFile(filepath.Join(dataDir, "dirgate.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("dirgate log: %w", err)
	}
	args := []string{"serve", "--listen", listen, "--data-dir", dataDir}
	if configPath != "" {
		args = append(args, "--config", configPath)
	}
	p := &dirgateProc{url: "http://" + listen, dataDir: dataDir, log: logFile, done: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = logFile, logFile
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	p.started = time.Now()
	if err := p.cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start dirgate: %w", err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	if err := p.waitReady(ctx, limit); err != nil {
		p.stop()
		return nil, err
	}
	return p, nil
}

// waitReady polls /readyz every half millisecond (the start-to-ready
// figure is read from it) until it answers 200; after the first two
// seconds (a read model loading) every 50 ms, so as not to load it.
func (p *dirgateProc) waitReady(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: time.Second}
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.url+"/readyz", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				p.ready = time.Now()
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("dirgate exited before it was ready; see %s", p.log.Name())
		case <-ctx.Done():
			return fmt.Errorf("dirgate not ready within %s: %w; see %s", limit, ctx.Err(), p.log.Name())
		case <-time.After(pollEvery(time.Since(p.started))):
		}
	}
}

func pollEvery(since time.Duration) time.Duration {
	if since < 2*time.Second {
		return 500 * time.Microsecond
	}
	return 50 * time.Millisecond
}

func (p *dirgateProc) pid() int { return p.cmd.Process.Pid }

// stop sends SIGTERM and waits for the exit (killing after 15 s).
func (p *dirgateProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.log.Close()
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// buildDirgate builds the binary like `make build` does.
func buildDirgate(ctx context.Context, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags", "-s -w", "-o", out, "./cmd/dirgate")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %w\n%s", err, b)
	}
	return nil
}
