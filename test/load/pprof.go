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

// profileHook captures a CPU profile and the allocations of the measured
// window of t from the dirgate serving it. Profiling costs dirgate some
// CPU: runs with it are for finding where time goes, not for the
// report's figures.
func profileHook(dir string, t target) func(time.Duration) {
	if t.gate == nil || t.gate.pprofAddr == "" {
		return nil
	}
	addr := t.gate.pprofAddr
	name := profileName(t.kind + "-" + t.name)
	return func(window time.Duration) {
		secs := max(int(window.Seconds())-1, 1)
		var wg sync.WaitGroup
		for _, p := range []struct{ path, file string }{
			{fmt.Sprintf("/debug/pprof/profile?seconds=%d", secs), name + ".cpu.pprof"},
			{fmt.Sprintf("/debug/pprof/allocs?seconds=%d", secs), name + ".allocs.pprof"},
		} {
			wg.Go(func() {
				if err := fetchProfile("http://"+addr+p.path, filepath.Join(dir, p.file)); err != nil {
					slog.Warn("profile not captured", "profile", p.file, "error", err)
				}
			})
		}
		wg.Wait()
	}
}

// profileName makes a file name of a target's: "get one user-AD-web, read
// model" is "get-one-useradweb-readmodel".
func profileName(s string) string {
	return strings.ToLower(strings.NewReplacer(modelSuffix, "-readmodel", " ", "-", "-", "").Replace(s))
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
