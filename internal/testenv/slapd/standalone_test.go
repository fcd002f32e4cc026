package slapd_test

import (
	"os"
	"syscall"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
)

// StartStandalone serves outside a test's lifetime and stop ends it.
func TestStartStandalone(t *testing.T) {
	if !slapd.Available() {
		if os.Getenv("CI") == "true" {
			t.Fatal("slapd is not installed (CI=true: LDAP tests must run): " + slapd.InstallHint)
		}
		t.Skip("slapd is not installed: " + slapd.InstallHint)
	}
	srv, stop, err := slapd.StartStandalone(slapd.Options{Disable: slapd.TLS, LDIF: "dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n"})
	if err != nil {
		t.Fatal(err)
	}
	pid, err := srv.PID()
	if err != nil || pid <= 0 {
		t.Fatalf("PID %d, %v", pid, err)
	}
	conn := srv.Dial(t)
	if _, err := conn.WhoAmI(nil); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	stop()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("slapd %d still runs after stop", pid)
	}
	if _, err := os.Stat(srv.Dir); !os.IsNotExist(err) {
		t.Errorf("%s left behind: %v", srv.Dir, err)
	}
	if _, err := srv.PID(); err == nil {
		t.Error("a stopped server has a PID")
	}
}
