package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// profilerEnv is internal/server.ProfilerEnv: dirgate serves pprof on this
// address when it is set.
const profilerEnv = "DIRGATE_PPROF_LISTEN"

// pprofAddr is where the measured dirgate serves pprof ("" when not
// profiling).
var pprofAddr string

// pprofEnv returns the environment that turns dirgate's profiler on when
// -pprof is given.
func pprofEnv(o *options) []string {
	if o.pprofDir == "" {
		return nil
	}
	addr, err := freeAddr()
	if err != nil {
		slog.Warn("no port for the profiler", "error", err)
		return nil
	}
	pprofAddr = addr
	return []string{profilerEnv + "=" + addr}
}

// profileHook captures a CPU profile and the allocations of the measured
// window of t. Profiling costs dirgate some CPU: runs with it are for
// finding where time goes, not for the report's figures.
func profileHook(s *stack, dir string, t target) func(time.Duration) {
	if pprofAddr == "" {
		return nil
	}
	name := strings.ToLower(strings.NewReplacer(" ", "-", "-", "").Replace(t.kind + "-" + t.name))
	return func(window time.Duration) {
		secs := max(int(window.Seconds())-1, 1)
		var wg sync.WaitGroup
		for _, p := range []struct{ path, file string }{
			{fmt.Sprintf("/debug/pprof/profile?seconds=%d", secs), name + ".cpu.pprof"},
			{fmt.Sprintf("/debug/pprof/allocs?seconds=%d", secs), name + ".allocs.pprof"},
		} {
			wg.Go(func() {
				if err := fetchProfile("http://"+pprofAddr+p.path, filepath.Join(dir, p.file)); err != nil {
					slog.Warn("profile not captured", "profile", p.file, "error", err)
				}
			})
		}
		wg.Wait()
	}
}

func fetchProfile(url, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("%s: %s: %s", url, resp.Status, clip(b))
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
