package samba

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// EnvDir names the environment variable through which a DC started once
// for a whole test run (cmd/samba-dc) is shared with every test process.
const EnvDir = "DIRGATE_TEST_SAMBA_DIR"

// The domain every test DC serves.
const (
	Realm     = "EXAMPLE.COM"
	NetBIOS   = "EXAMPLE"
	DNSDomain = "example.com"
	BaseDN    = "DC=example,DC=com"
)

// Server describes a running DC.
type Server struct {
	// URL is the LDAPS endpoint, ldaps://127.0.0.1:636.
	URL string `json:"url"`
	// StartTLSURL is the plain endpoint, ldap://127.0.0.1:389, on which
	// simple binds need StartTLS first.
	StartTLSURL string `json:"startTLSURL"`
	BaseDN      string `json:"baseDN"`
	// AdminDN and AdminPassword are the domain Administrator's.
	AdminDN       string `json:"adminDN"`
	AdminUPN      string `json:"adminUPN"`
	AdminPassword string `json:"adminPassword"`
	// CAFile is the PEM certificate the DC serves (self-signed: it is its
	// own CA); ServerName is the name it is valid for.
	CAFile     string `json:"caFile"`
	ServerName string `json:"serverName"`
	// LockoutThreshold is the domain's lockout threshold (failed binds).
	LockoutThreshold int `json:"lockoutThreshold"`
	// Dir holds the provisioned domain, configuration and logs.
	Dir string `json:"dir"`
	// PID is the samba process.
	PID int `json:"pid"`
}

// TLSConfig trusts the DC's certificate.
func (s *Server) TLSConfig() (*tls.Config, error) {
	pemBytes, err := os.ReadFile(s.CAFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		return nil, fmt.Errorf("no certificate in %s", s.CAFile)
	}
	return &tls.Config{RootCAs: pool, ServerName: s.ServerName, MinVersion: tls.VersionTLS12}, nil
}

// Dial returns an LDAPS connection bound as the Administrator.
func (s *Server) Dial() (*ldap.Conn, error) {
	cfg, err := s.TLSConfig()
	if err != nil {
		return nil, err
	}
	conn, err := ldap.DialURL(s.URL, ldap.DialWithTLSConfig(cfg),
		ldap.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}))
	if err != nil {
		return nil, err
	}
	conn.SetTimeout(30 * time.Second)
	if err := conn.Bind(s.AdminUPN, s.AdminPassword); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// statePath is where a shared DC describes itself.
func statePath(dir string) string { return filepath.Join(dir, "server.json") }

func (s *Server) save() error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(statePath(s.Dir), b, 0o600)
}

// Load reads the description of a DC started by Up.
func Load(dir string) (*Server, error) {
	b, err := os.ReadFile(statePath(dir))
	if err != nil {
		return nil, fmt.Errorf("no shared Samba DC in %s: %w", dir, err)
	}
	var s Server
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", statePath(dir), err)
	}
	return &s, nil
}

// waitReady polls an LDAPS bind as the Administrator until it works, the
// process dies or ctx ends. `samba` exits 0 even when its LDAP task failed
// to bind a port, so the process and the bind are both checked.
func (s *Server) waitReady(ctx context.Context, exited <-chan struct{}) error {
	var last error
	for {
		conn, err := s.Dial()
		if err == nil {
			conn.Close()
			return nil
		}
		last = err
		select {
		case <-exited:
			return errors.New("samba exited")
		case <-ctx.Done():
			return fmt.Errorf("%w (last bind: %v)", ctx.Err(), last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// portsBusy lists the DC's fixed ports that something already listens on.
func portsBusy() []string {
	var busy []string
	for _, p := range []string{"389", "636", "3268", "3269"} {
		conn, err := net.DialTimeout("tcp", "127.0.0.1:"+p, 200*time.Millisecond)
		if err == nil {
			conn.Close()
			busy = append(busy, p)
		}
	}
	return busy
}

// waitPortsClosed waits until the DC's ports are free again.
func waitPortsClosed(ctx context.Context) error {
	for {
		busy := portsBusy()
		if len(busy) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ports %s still busy: %w", strings.Join(busy, ", "), ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// isSamba reports whether pid is a running samba process. Samba renames
// its processes ("ldap[master]"), so the executable is checked, not the
// command line.
func isSamba(pid int) bool {
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	return err == nil && filepath.Base(strings.TrimSuffix(exe, " (deleted)")) == "samba"
}
