package samba

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readyTimeout bounds start-up; the DC answers in about a second.
const readyTimeout = 60 * time.Second

// lockPath serialises private DCs between test processes.
const lockPath = "/tmp/dirgate-samba.lock"

// The process's DC: shared (loaded once) or private (started once).
var (
	private     *Server
	privateErr  error
	privateOnce sync.Once
)

// machineLock is the open lock file of lockPath while this process holds
// the lock. It is never closed (the lock lives as long as the process), and
// kept here because an *os.File nothing refers to is closed by its
// finalizer at the next garbage collection, which would let another
// process take the lock, and the DC's ports, while this one's DC runs.
var machineLock *os.File

// Start returns the test run's DC: the shared one named by
// DIRGATE_TEST_SAMBA_DIR, or a private one started for this process (the
// first call provisions it; later calls in the process reuse it; it dies
// with the process). The DC's contents outlive each test, so tests must
// clean up what they create.
func Start(tb testing.TB) *Server {
	tb.Helper()
	require(tb)
	privateOnce.Do(func() {
		if dir := os.Getenv(EnvDir); dir != "" {
			private, privateErr = Load(dir)
			return
		}
		private, privateErr = startPrivate()
	})
	if privateErr != nil {
		tb.Fatalf("samba: %v", privateErr)
	}
	return private
}

// startPrivate takes the machine-wide lock (held until the process exits,
// which also ends the DC), provisions a fresh domain and runs samba in the
// foreground as a child.
func startPrivate() (*Server, error) {
	// Blocks while another test process has its DC up.
	if err := holdLock(lockPath); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	// A DC of an earlier process dies with it, but may still be releasing
	// its ports.
	if err := waitPortsClosed(ctx); err != nil {
		return nil, fmt.Errorf("another LDAP server holds the Active Directory ports (%w); stop it first", err)
	}
	old, _ := filepath.Glob(filepath.Join(os.TempDir(), "dg-samba-*"))
	for _, dir := range old {
		_ = os.RemoveAll(dir) // left by earlier processes, which held the lock
	}
	dir, err := os.MkdirTemp("", "dg-samba-")
	if err != nil {
		return nil, err
	}
	s, err := provision(ctx, dir)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(toolPath("samba"), "-i", "-M", "single", "-s", s.confPath())
	cmd.Env = noFsync()
	logFile, err := os.Create(filepath.Join(dir, "log", "samba.out"))
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting samba: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	s.PID = cmd.Process.Pid
	if err := s.waitReady(ctx, exited); err != nil {
		_ = cmd.Process.Kill()
		return nil, fmt.Errorf("samba did not become ready: %w\n%s", err, logTail(dir))
	}
	if err := s.loadSchema(); err != nil {
		_ = cmd.Process.Kill()
		return nil, err
	}
	return s, nil
}

// holdLock takes the exclusive lock on path, waiting for it, and holds it
// until the process exits (machineLock).
func holdLock(path string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return fmt.Errorf("lock %s: %w", path, err)
	}
	machineLock = f
	return nil
}

// Up provisions a DC in dir and starts it as a daemon that outlives the
// caller, for a whole test run; Down stops it.
func Up(ctx context.Context, dir string) (*Server, error) {
	if why := missing(); why != "" {
		return nil, errors.New(why)
	}
	if busy := portsBusy(); len(busy) > 0 {
		return nil, fmt.Errorf("ports %s are in use: another directory server runs here", strings.Join(busy, ", "))
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, err
	}
	s, err := provision(ctx, dir)
	if err != nil {
		return nil, err
	}
	daemon := exec.CommandContext(ctx, toolPath("samba"), "-D", "-s", s.confPath())
	daemon.Env = noFsync()
	if out, err := daemon.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("samba -D: %v\n%s", err, out)
	}
	// samba -D may return before the daemon has written its pid file.
	pid, err := waitPID(ctx, dir)
	if err != nil {
		return nil, err
	}
	s.PID = pid
	exited := make(chan struct{})
	go func() {
		for isSamba(pid) {
			time.Sleep(100 * time.Millisecond)
		}
		close(exited)
	}()
	if err := s.waitReady(ctx, exited); err != nil {
		_ = Down(context.WithoutCancel(ctx), dir)
		return nil, fmt.Errorf("samba did not become ready: %w\n%s", err, logTail(dir))
	}
	if err := s.loadSchema(); err != nil {
		_ = Down(context.WithoutCancel(ctx), dir)
		return nil, err
	}
	return s, s.save()
}

// Down stops the DC that Up started in dir and waits for its ports to
// close.
func Down(ctx context.Context, dir string) error {
	pid, err := readPID(dir)
	if err != nil {
		return err
	}
	if isSamba(pid) {
		if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
			return fmt.Errorf("stop samba (pid %d): %w", pid, err)
		}
	}
	for isSamba(pid) {
		select {
		case <-ctx.Done():
			_ = syscall.Kill(pid, syscall.SIGKILL)
			return fmt.Errorf("samba (pid %d) ignored SIGTERM: %w", pid, ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
	return waitPortsClosed(ctx)
}

// waitPID waits for the pid file of a daemon just started in dir.
func waitPID(ctx context.Context, dir string) (int, error) {
	for {
		pid, err := readPID(dir)
		if err == nil {
			return pid, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("%w (waiting for it: %w)", err, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func readPID(dir string) (int, error) {
	b, err := os.ReadFile(filepath.Join(dir, "run", "samba.pid"))
	if err != nil {
		return 0, fmt.Errorf("samba pid file: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("samba pid file: %w", err)
	}
	return pid, nil
}

func logTail(dir string) string {
	var out strings.Builder
	logs, _ := filepath.Glob(filepath.Join(dir, "log", "*"))
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err == nil && len(b) > 0 {
			fmt.Fprintf(&out, "== %s\n%s\n", l, tail(b))
		}
	}
	return out.String()
}

// noFsync is the environment of a test DC: the caller's, with
// TDB_NO_FSYNC=1, as Samba's own test suite runs its DCs. Without it each
// write waits for the disk: 1,600 user adds took 76 s on the CI machine,
// 3.8 s with it. A test DC's data need not survive a crash.
func noFsync() []string { return append(os.Environ(), "TDB_NO_FSYNC=1") }
