package serve

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestQuickStartWithThePortInUseProvisionsNothing: the quick start binds
// before it provisions, so a port in use stops it with the port named and
// the way to choose another — and no credentials printed or saved, no
// store, no configuration left behind.
func TestQuickStartWithThePortInUseProvisionsNothing(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	addr := taken.Addr().String()
	dir := filepath.Join(t.TempDir(), "data")

	res := e2eutil.Run(t, nil, "serve", "--data-dir", dir, "--listen", addr)
	if res.Code == 0 {
		t.Fatal("dirgate served on a port another program holds")
	}
	for _, want := range []string{addr, "in use", "--listen", "make run LISTEN="} {
		if !strings.Contains(res.Stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, res.Stderr)
		}
	}
	if printedCredentials(res) {
		t.Errorf("credentials printed for a quick start that cannot serve:\n%s%s", res.Stdout, res.Stderr)
	}
	if left := entries(t, dir); len(left) > 0 {
		t.Errorf("the failed first start left %v in the data dir", left)
	}
}

// printedCredentials: the first start's banner is in the output, on
// stdout or stderr.
func printedCredentials(res e2eutil.Result) bool {
	return strings.Contains(res.Stdout+res.Stderr, "credentials are shown once") ||
		strings.Contains(res.Stdout+res.Stderr, "admin:")
}

// TestQuickStartSocketPathTooLong: a data dir whose Artica socket path
// passes the 108-byte limit is refused by name before anything is made,
// and the main port is released.
func TestQuickStartSocketPathTooLong(t *testing.T) {
	dir := t.TempDir()
	for len(dir) < 110 {
		dir = filepath.Join(dir, "a-rather-long-directory-name")
	}
	addr := e2eutil.FreeAddr(t)
	res := e2eutil.Run(t, nil, "serve", "--data-dir", dir, "--listen", addr)
	if res.Code == 0 || !strings.Contains(res.Stderr, "too long for a unix socket") ||
		!strings.Contains(res.Stderr, "articarest.sock") {
		t.Fatalf("exit %d, stderr:\n%s", res.Code, res.Stderr)
	}
	if printedCredentials(res) {
		t.Errorf("credentials printed:\n%s%s", res.Stdout, res.Stderr)
	}
	if left := entries(t, dir); len(left) > 0 {
		t.Errorf("the failed first start left %v in the data dir", left)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Errorf("the main port stayed bound after the failed start: %v", err)
	} else {
		ln.Close()
	}
}

// entries lists what a directory holds (nothing when it does not exist).
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}
