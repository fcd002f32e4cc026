package e2eutil

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	buildOnce sync.Once
	buildDir  string
	buildPath string
	buildErr  error

	faultOnce sync.Once
	faultPath string
	faultErr  error
)

// Binary returns the path of a dirgate binary built from this checkout,
// building it on first use in the test process. The binary is built like
// a release (no race detector), so timings mean what they say; set
// DIRGATE_E2E_RACE=1 to build it with -race.
func Binary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(build)
	if buildErr != nil {
		tb.Fatalf("build dirgate: %v", buildErr)
	}
	return buildPath
}

// FaultBinary returns the path of a dirgate binary built with the
// faultinject tag: at the point named by DIRGATE_FAULT_KILL_AT (see
// pkg/identity/faults.go) it kills itself with SIGKILL.
func FaultBinary(tb testing.TB) string {
	tb.Helper()
	buildOnce.Do(build)
	if buildErr != nil {
		tb.Fatalf("build dirgate: %v", buildErr)
	}
	faultOnce.Do(func() {
		faultPath = filepath.Join(buildDir, "dirgate-faultinject")
		faultErr = goBuild(faultPath, "-tags", "faultinject")
	})
	if faultErr != nil {
		tb.Fatalf("build dirgate with fault injection: %v", faultErr)
	}
	return faultPath
}

func build() {
	var err error
	buildDir, err = os.MkdirTemp("", "dirgate-e2e-")
	if err != nil {
		buildErr = err
		return
	}
	buildPath = filepath.Join(buildDir, "dirgate")
	buildErr = goBuild(buildPath)
}

// goBuild builds ./cmd/dirgate into path with extra build flags.
func goBuild(path string, flags ...string) error {
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	args := append([]string{"build", "-o", path}, flags...)
	if os.Getenv("DIRGATE_E2E_RACE") == "1" {
		args = append(args, "-race")
	}
	args = append(args, "./cmd/dirgate")
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, out.String())
	}
	return nil
}

// moduleRoot finds the directory of dirgate's go.mod from the test's
// working directory.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the dirgate module")
	}
	return filepath.Dir(gomod), nil
}

// Main runs a package's tests and removes the built binary afterwards:
//
//	func TestMain(m *testing.M) { e2eutil.Main(m) }
func Main(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
