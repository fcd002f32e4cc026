package slapd

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Where Debian installs the server tools; $PATH is searched too.
var (
	slapdPath   = "/usr/sbin/slapd"
	slapaddPath = "/usr/sbin/slapadd"
)

// InstallHint says how to get slapd on a Debian or Ubuntu machine.
const InstallHint = `echo "slapd slapd/no_configuration boolean true" | debconf-set-selections; ` +
	`DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slapd ldap-utils`

// Available reports whether slapd, slapadd and the modules the harness
// loads are on this machine.
func Available() bool { return findBinaries() == "" }

// findBinaries resolves the tools' paths and returns what is missing.
func findBinaries() string {
	for _, p := range []*string{&slapdPath, &slapaddPath} {
		if _, err := os.Stat(*p); err == nil {
			continue
		}
		found, err := exec.LookPath(filepath.Base(*p))
		if err != nil {
			return filepath.Base(*p)
		}
		*p = found
	}
	if _, err := os.Stat(filepath.Join(moduleDir, "back_mdb.so")); err != nil {
		return "the back_mdb module in " + moduleDir
	}
	return ""
}

// requireBinaries skips the test when slapd is missing, or fails it when
// CI=true: CI installs slapd, so a missing one there is a broken setup, not
// a reason to pass silently.
func requireBinaries(tb testing.TB) {
	tb.Helper()
	missing := findBinaries()
	if missing == "" {
		return
	}
	msg := "slapd: " + missing + " not found; install OpenLDAP with: " + InstallHint
	if os.Getenv("CI") == "true" {
		tb.Fatal(msg + " (CI=true: LDAP tests must run)")
	}
	tb.Skip(msg)
}
