package samba

import (
	"os"
	"os/exec"
	"testing"
)

// InstallHint says how to get Samba's AD DC on a Debian or Ubuntu machine.
const InstallHint = "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends samba-ad-dc samba-ad-provision"

// missing returns what this machine lacks to run a DC, or "".
func missing() string {
	for _, tool := range []string{"samba", "samba-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			if _, err := os.Stat("/usr/sbin/" + tool); err != nil {
				return tool + " is not installed; install it with: " + InstallHint
			}
		}
	}
	if os.Geteuid() != 0 {
		return "provisioning a Samba AD DC needs root"
	}
	return ""
}

// Available reports whether a DC can run here.
func Available() bool { return missing() == "" || os.Getenv(EnvDir) != "" }

// require skips (or, with CI=true, fails) a test that cannot get a DC.
func require(tb testing.TB) {
	tb.Helper()
	if os.Getenv(EnvDir) != "" {
		return
	}
	if why := missing(); why != "" {
		msg := "samba: " + why
		if os.Getenv("CI") == "true" {
			tb.Fatal(msg + " (CI=true: the AD tests must run)")
		}
		tb.Skip(msg)
	}
}

func toolPath(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	return "/usr/sbin/" + name
}
