package slapd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Server is a private slapd started for one test (or one package's tests).
// It listens on a loopback TCP port and a unix socket; Stop, Start and
// Restart keep the port and the data, so fault tests can take it away and
// bring it back under a running client.
type Server struct {
	// URL is ldap://127.0.0.1:<port>.
	URL string
	// LDAPI is the unix socket path; LDAPIURL the ldapi:// URL for it.
	LDAPI    string
	LDAPIURL string
	// LDAPSURL is ldaps://127.0.0.1:<port> and CAFile the PEM file of the
	// CA that signed the server's certificate (TLS feature; "" without).
	LDAPSURL string
	CAFile   string
	// Suffix is the database suffix (the base entry's DN).
	Suffix string
	// BindDN and BindPassword are the rootdn: the service account.
	BindDN       string
	BindPassword string
	// PolicyDN is the default password policy entry ("" without ppolicy).
	PolicyDN string
	// Options are the options the server was started with, defaults filled.
	Options Options
	// Dir is the server's private directory (config, data, log).
	Dir string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd exits
	tb   testing.TB
}

// startTimeout bounds how long slapd may take to answer after exec; it
// answers in about 30 ms on a quiet machine.
const startTimeout = 15 * time.Second

// Start starts a private slapd configured by o and stops it (SIGTERM) when
// the test ends. Without slapd on the machine it skips the test, saying how
// to install it, or fails when CI=true.
func Start(tb testing.TB, o Options) *Server {
	tb.Helper()
	requireBinaries(tb)
	o = o.withDefaults()
	servers, err := startSet(tb, o, 1)
	if err != nil {
		tb.Fatalf("slapd: %v", err)
	}
	return servers[0]
}

// StartProviders starts n slapd servers replicating the suffix to each
// other (multi-provider syncrepl with the syncprov overlay). The base
// entries are loaded into the first and replicated to the others; it
// returns once every server holds the suffix entry.
func StartProviders(tb testing.TB, o Options, n int) []*Server {
	tb.Helper()
	requireBinaries(tb)
	if n < 2 {
		tb.Fatalf("slapd: StartProviders needs at least 2 servers, got %d", n)
	}
	o = o.withDefaults()
	servers, err := startSet(tb, o, n)
	if err != nil {
		tb.Fatalf("slapd: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	for _, s := range servers[1:] {
		if err := s.waitForEntry(ctx, o.Suffix); err != nil {
			tb.Fatalf("slapd: %s did not replicate %s: %v", s.URL, o.Suffix, err)
		}
	}
	return servers
}

func startSet(tb testing.TB, o Options, n int) ([]*Server, error) {
	password := o.RootPassword
	if password == "" {
		password = randomHex(12)
	}
	servers := make([]*Server, n)
	for i := range servers {
		// A short directory: ldapi socket paths must stay under 108 bytes,
		// and t.TempDir() paths grow with the test name.
		dir, err := os.MkdirTemp("", "dg-slapd-")
		if err != nil {
			return nil, err
		}
		tb.Cleanup(func() { _ = os.RemoveAll(dir) })
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		sock := filepath.Join(dir, "ldapi")
		var ldapsURL, caFile string
		if o.has(TLS) {
			tlsPort, err := freePort()
			if err != nil {
				return nil, err
			}
			ldapsURL = fmt.Sprintf("ldaps://127.0.0.1:%d", tlsPort)
			caFile = filepath.Join(dir, "ca.pem")
		}
		servers[i] = &Server{
			LDAPSURL:     ldapsURL,
			CAFile:       caFile,
			URL:          fmt.Sprintf("ldap://127.0.0.1:%d", port),
			LDAPI:        sock,
			LDAPIURL:     "ldapi://" + url.PathEscape(sock),
			Suffix:       o.Suffix,
			BindDN:       rootDN(o.Suffix),
			BindPassword: password,
			Options:      o,
			Dir:          dir,
			tb:           tb,
		}
		if o.has(PasswordPolicy) {
			servers[i].PolicyDN = PolicyRDN + "," + o.Suffix
		}
	}
	for i, s := range servers {
		var repl *replication
		if n > 1 {
			repl = &replication{serverID: i + 1}
			for j, peer := range servers {
				if j != i {
					repl.peers = append(repl.peers, peer.URL)
				}
			}
		}
		if err := s.prepare(repl, i == 0); err != nil {
			return nil, err
		}
	}
	for _, s := range servers {
		tb.Cleanup(func() {
			if err := s.Stop(); err != nil {
				tb.Errorf("slapd: stopping %s: %v", s.URL, err)
			}
		})
		if err := s.Start(); err != nil {
			return nil, err
		}
	}
	return servers, nil
}

// prepare writes the configuration and, when load is set, the base entries.
func (s *Server) prepare(repl *replication, load bool) error {
	if err := os.Mkdir(filepath.Join(s.Dir, "data"), 0o700); err != nil {
		return err
	}
	if err := writeSchemas(s.Dir); err != nil {
		return err
	}
	if s.Options.has(TLS) {
		if err := writeTLSFiles(s.Dir); err != nil {
			return fmt.Errorf("TLS files: %w", err)
		}
	}
	conf := renderConfig(s.Options, s.Dir, s.BindPassword, repl)
	if err := os.WriteFile(s.confPath(), []byte(conf), 0o600); err != nil {
		return err
	}
	if !load {
		return nil
	}
	ldif := baseLDIF(s.Options)
	if extra := strings.TrimSpace(s.Options.LDIF); extra != "" {
		ldif += "\n" + extra + "\n"
	}
	ldifPath := filepath.Join(s.Dir, "base.ldif")
	if err := os.WriteFile(ldifPath, []byte(ldif), 0o600); err != nil {
		return err
	}
	args := []string{"-q", "-f", s.confPath(), "-l", ldifPath}
	if repl != nil {
		args = append(args, "-S", fmt.Sprint(repl.serverID), "-w")
	}
	out, err := exec.Command(slapaddPath, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("slapadd: %v\n%s", err, out)
	}
	return nil
}

func (s *Server) confPath() string { return filepath.Join(s.Dir, "slapd.conf") }
func (s *Server) logPath() string  { return filepath.Join(s.Dir, "slapd.log") }

// Start runs slapd (again) on the server's port and data and waits until it
// answers a root DSE search. Starting a running server is an error.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		return errors.New("slapd is already running")
	}
	logFile, err := os.OpenFile(s.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	defer logFile.Close()
	// -d 0 keeps slapd in the foreground (so it is our child and dies with
	// its process group) without debug output.
	urls := s.URL + "/ " + s.LDAPIURL
	if s.LDAPSURL != "" {
		urls += " " + s.LDAPSURL + "/"
	}
	cmd := exec.Command(slapdPath, "-d", "0", "-f", s.confPath(), "-h", urls)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting slapd: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.cmd, s.done = cmd, done

	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	if err := s.waitReady(ctx); err != nil {
		s.kill()
		return fmt.Errorf("slapd on %s did not become ready: %w\n%s", s.URL, err, s.logTail())
	}
	return nil
}

// Stop terminates slapd with SIGTERM and waits until it has exited and
// released its port. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGCONT) // a frozen slapd cannot act on SIGTERM
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		s.kill()
		return errors.New("slapd ignored SIGTERM for 10s; killed")
	}
	s.cmd, s.done = nil, nil
	return nil
}

// Kill ends slapd with SIGKILL, as a crash or the OOM killer would: no
// shutdown, open connections are reset by the kernel. Start brings it back
// on the same port and data (mdb is crash-safe). Killing a stopped server
// does nothing.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kill()
}

// Freeze stops slapd with SIGSTOP: connections stay open but nothing
// answers, as with a hung server or a black-holed network. It returns once
// every thread of slapd has stopped. Thaw resumes it. A frozen server is
// thawed before it is stopped at cleanup.
func (s *Server) Freeze() error {
	if err := s.signal(syscall.SIGSTOP); err != nil {
		return err
	}
	// The signal is asynchronous: a thread busy on another CPU stops a
	// moment later.
	deadline := time.Now().Add(5 * time.Second)
	for !s.allThreadsStopped() {
		if time.Now().After(deadline) {
			return errors.New("slapd did not stop within 5s of SIGSTOP")
		}
		time.Sleep(time.Millisecond)
	}
	return nil
}

// allThreadsStopped reads every thread's state from /proc ("T": stopped).
func (s *Server) allThreadsStopped() bool {
	s.mu.Lock()
	if s.cmd == nil {
		s.mu.Unlock()
		return false
	}
	pid := s.cmd.Process.Pid
	s.mu.Unlock()
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(tasks) == 0 {
		return false
	}
	for _, task := range tasks {
		b, err := os.ReadFile(task)
		if err != nil {
			return false
		}
		// pid (comm) state ...: the state follows the last ')'.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 || i+2 >= len(b) || (b[i+2] != 'T' && b[i+2] != 't') {
			return false
		}
	}
	return true
}

// Thaw resumes a frozen server.
func (s *Server) Thaw() error { return s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return errors.New("slapd is not running")
	}
	return s.cmd.Process.Signal(sig)
}

// Restart stops and starts the server on the same port and data.
func (s *Server) Restart() error {
	if err := s.Stop(); err != nil {
		return err
	}
	return s.Start()
}

// Running reports whether slapd is up.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cmd != nil
}

// kill ends slapd at once; s.mu is held.
func (s *Server) kill() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd, s.done = nil, nil
}

// waitReady polls a root DSE search until slapd answers, it exits, or ctx
// ends; s.mu is held.
func (s *Server) waitReady(ctx context.Context) error {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		err := s.probe()
		if err == nil {
			return nil
		}
		select {
		case <-s.done:
			return errors.New("slapd exited")
		case <-ctx.Done():
			return fmt.Errorf("%w (last probe: %v)", ctx.Err(), err)
		case <-tick.C:
		}
	}
}

func (s *Server) probe() error {
	conn, err := ldap.DialURL(s.URL, ldap.DialWithDialer(&net.Dialer{Timeout: time.Second}))
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetTimeout(time.Second)
	_, err = conn.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases,
		0, 1, false, "(objectClass=*)", []string{"namingContexts"}, nil))
	return err
}

// waitForEntry polls until dn exists on this server (replication).
func (s *Server) waitForEntry(ctx context.Context, dn string) error {
	for {
		conn, err := s.dial()
		if err == nil {
			_, err = conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases,
				0, 1, false, "(objectClass=*)", []string{"1.1"}, nil))
			conn.Close()
			if err == nil {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last error: %v)", ctx.Err(), err)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Dial returns a connection bound as the service account; the test closes
// it when it ends.
func (s *Server) Dial(tb testing.TB) *ldap.Conn {
	tb.Helper()
	conn, err := s.dial()
	if err != nil {
		tb.Fatalf("slapd: %v", err)
	}
	tb.Cleanup(func() { conn.Close() })
	return conn
}

func (s *Server) dial() (*ldap.Conn, error) {
	conn, err := ldap.DialURL(s.URL, ldap.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}))
	if err != nil {
		return nil, err
	}
	conn.SetTimeout(30 * time.Second)
	if err := conn.Bind(s.BindDN, s.BindPassword); err != nil {
		conn.Close()
		return nil, err
	}
	return conn, nil
}

// logTail returns the end of slapd's log, for failure messages.
func (s *Server) logTail() string {
	b, err := os.ReadFile(s.logPath())
	if err != nil {
		return ""
	}
	if len(b) > 4000 {
		b = b[len(b)-4000:]
	}
	return string(b)
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before slapd binds; Start then fails with slapd's log, which says
// so.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
