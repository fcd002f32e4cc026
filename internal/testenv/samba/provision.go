package samba

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// provisionOptions keep every socket, pid and log file of the DC inside
// its directory, listen on loopback only, and run just the LDAP server.
func provisionOptions(dir string) []string {
	run := filepath.Join(dir, "run")
	opts := map[string]string{
		"interfaces":                 "lo",
		"bind interfaces only":       "yes",
		"pid directory":              run,
		"ncalrpc dir":                filepath.Join(run, "ncalrpc"),
		"winbindd socket directory":  filepath.Join(run, "winbindd"),
		"ntp signd socket directory": filepath.Join(run, "ntp_signd"),
		"log file":                   filepath.Join(dir, "log", "log.%m"),
		"disable netbios":            "yes",
		"tls enabled":                "yes",
		"tls keyfile":                filepath.Join(dir, "tls", "key.pem"),
		"tls certfile":               filepath.Join(dir, "tls", "cert.pem"),
		"tls cafile":                 "",
		"server services":            "ldap",
		// dirgate's schema extension (schema/ad) is loaded over LDAP, as
		// a Schema Admin may on Windows; Samba refuses that by default.
		"dsdb:schema update allowed": "yes",
	}
	args := make([]string, 0, len(opts))
	for k, v := range opts {
		args = append(args, "--option="+k+"="+v)
	}
	return args
}

// lockoutThreshold is the test domain's: low, so lockout tests are quick.
const lockoutThreshold = 5

// provision creates a fresh domain in dir (about 3 s) with RFC 2307
// attributes, a certificate Go can parse, and a test-friendly password
// policy that still enforces complexity, so AD's policy errors can be
// tested.
func provision(ctx context.Context, dir string) (*Server, error) {
	for _, sub := range []string{"run", "log", "tls"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return nil, err
		}
	}
	s := &Server{
		URL:              "ldaps://127.0.0.1:636",
		StartTLSURL:      "ldap://127.0.0.1:389",
		BaseDN:           BaseDN,
		AdminDN:          "CN=Administrator,CN=Users," + BaseDN,
		AdminUPN:         "Administrator@" + Realm,
		AdminPassword:    "Adm1n-" + randomHex(8),
		CAFile:           filepath.Join(dir, "tls", "cert.pem"),
		ServerName:       "localhost",
		LockoutThreshold: lockoutThreshold,
		Dir:              dir,
	}
	if err := writeCertificate(s.CAFile, filepath.Join(dir, "tls", "key.pem")); err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	args := append([]string{"domain", "provision",
		"--targetdir=" + dir, "--realm=" + Realm, "--domain=" + NetBIOS,
		"--adminpass=" + s.AdminPassword, "--server-role=dc", "--use-rfc2307", "--dns-backend=NONE",
	}, provisionOptions(dir)...)
	if out, err := exec.CommandContext(ctx, toolPath("samba-tool"), args...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("samba-tool domain provision: %v\n%s", err, tail(out))
	}
	if err := addGlobals(s.confPath(), afterProvision); err != nil {
		return nil, err
	}
	policy := []string{"domain", "passwordsettings", "set", "-H", filepath.Join(dir, "private", "sam.ldb"),
		"--complexity=on", "--min-pwd-length=7", "--history-length=2", "--min-pwd-age=0", "--max-pwd-age=0",
		"--account-lockout-threshold=" + strconv.Itoa(lockoutThreshold),
		"--account-lockout-duration=30", "--reset-account-lockout-after=30",
	}
	if out, err := exec.CommandContext(ctx, toolPath("samba-tool"), policy...).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("samba-tool domain passwordsettings: %v\n%s", err, tail(out))
	}
	return s, nil
}

// afterProvision are smb.conf settings that samba-tool provision does not
// carry over from --option.
var afterProvision = map[string]string{
	// Samba accepts a user's previous password for an hour after a change
	// or reset (for NTLM clients that cached it), LDAP simple binds
	// included; the port, like a Windows DC's simple bind, takes only the
	// current one.
	"old password allowed period": "0",
}

// addGlobals adds settings to the [global] section of an smb.conf.
func addGlobals(path string, settings map[string]string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var lines strings.Builder
	for k, v := range settings {
		fmt.Fprintf(&lines, "\t%s = %s\n", k, v)
	}
	conf, n := strings.Replace(string(b), "[global]\n", "[global]\n"+lines.String(), 1), strings.Count(string(b), "[global]\n")
	if n == 0 {
		return fmt.Errorf("%s has no [global] section", path)
	}
	return os.WriteFile(path, []byte(conf), 0o644)
}

func (s *Server) confPath() string { return filepath.Join(s.Dir, "etc", "smb.conf") }

func tail(b []byte) string {
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
