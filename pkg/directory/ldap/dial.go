package ldap

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap/internal/wire"
)

// dialer opens connections to the first server that answers, in the
// configured order, skipping servers that failed recently until their
// backoff has passed. It is shared by the service and the bind pools so
// that both learn at once that a server went away.
type dialer struct {
	urls        []string
	tls         *tls.Config
	startTLS    bool
	dialTimeout time.Duration
	backoffMin  time.Duration
	backoffMax  time.Duration

	mu    sync.Mutex
	state []serverState
	now   func() time.Time
}

// serverState is what the dialer remembers of one URL.
type serverState struct {
	failures int
	retryAt  time.Time
	lastErr  error
}

func newDialer(c *Config) (*dialer, error) {
	tc, err := c.TLS.build()
	if err != nil {
		return nil, err
	}
	return &dialer{
		urls:        c.URLs,
		tls:         tc,
		startTLS:    c.TLS.StartTLS,
		dialTimeout: c.DialTimeout,
		backoffMin:  c.ReconnectBackoff,
		backoffMax:  c.ReconnectBackoffMax,
		state:       make([]serverState, len(c.URLs)),
		now:         time.Now,
	}, nil
}

// build turns the TLS options into a tls.Config (nil fields keep Go's
// defaults, which already refuse anything below TLS 1.2).
func (t TLSConfig) build() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: t.ServerName, InsecureSkipVerify: t.InsecureSkipVerify} //nolint:gosec // InsecureSkipVerify is an explicit, documented test option
	if t.MinVersion == "1.3" {
		tc.MinVersion = tls.VersionTLS13
	}
	if t.CAFile != "" {
		pem, err := os.ReadFile(t.CAFile)
		if err != nil {
			return nil, fmt.Errorf("%w: tls.caFile: %v", directory.ErrInvalidInput, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%w: tls.caFile %s holds no PEM certificate", directory.ErrInvalidInput, t.CAFile)
		}
		tc.RootCAs = pool
	}
	if t.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(t.CertFile, t.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("%w: tls client certificate: %v", directory.ErrInvalidInput, err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// dial connects to the first reachable server and, when bindDN is set,
// binds as it. It fails with ErrUnavailable when no server answers (or
// every one is backing off), and with ErrInvalidCredentials when the
// service bind is refused.
func (d *dialer) dial(ctx context.Context, bindDN, bindPW string) (*conn, error) {
	return dialAny(ctx, d, bindDN, bindPW, speakGoLDAP)
}

// dialRead is dial for the read pool and sorted views: the connection
// speaks the lean search-only client of package wire instead of go-ldap.
func (d *dialer) dialRead(ctx context.Context, bindDN, bindPW string) (*readConn, error) {
	return dialAny(ctx, d, bindDN, bindPW, speakWire)
}

// speaker starts a client on a connected socket: upgrades it with
// StartTLS when asked, and binds when bindDN is set; on failure the
// connection is closed.
type speaker[C pooled] func(ctx context.Context, l link, netConn net.Conn, tc *tls.Config, upgrade bool, bindDN, bindPW string) (C, error)

func dialAny[C pooled](ctx context.Context, d *dialer, bindDN, bindPW string, speak speaker[C]) (C, error) {
	var errs []error
	var none C
	for i, u := range d.urls {
		if err := d.backingOff(i); err != nil {
			errs = append(errs, err)
			continue
		}
		c, err := dialOne(ctx, d, u, bindDN, bindPW, speak)
		if err == nil {
			d.succeeded(i)
			return c, nil
		}
		if isCode(err, ldap.LDAPResultInvalidCredentials) {
			// The server answered: it is up, the configuration is wrong.
			d.succeeded(i)
			return none, wrapAs(directory.ErrInvalidCredentials, err, "service bind as "+bindDN+" on "+u)
		}
		if ctx.Err() != nil {
			return none, wrap(ctx.Err(), "connecting to "+u)
		}
		d.failed(i, err)
		errs = append(errs, fmt.Errorf("%s: %w", u, err))
	}
	return none, fmt.Errorf("%w: no LDAP server answers: %v", directory.ErrUnavailable, errors.Join(errs...))
}

func (d *dialer) backingOff(i int) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := d.state[i]
	if s.failures > 0 && d.now().Before(s.retryAt) {
		return fmt.Errorf("%s: backing off until %s after %d failures: %v",
			d.urls[i], s.retryAt.Format(time.RFC3339Nano), s.failures, s.lastErr)
	}
	return nil
}

func (d *dialer) failed(i int, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := &d.state[i]
	s.failures++
	wait := d.backoffMin << min(s.failures-1, 20)
	if wait > d.backoffMax || wait <= 0 {
		wait = d.backoffMax
	}
	s.retryAt = d.now().Add(wait)
	s.lastErr = err
}

func (d *dialer) succeeded(i int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.state[i] = serverState{}
}

// reset forgets every failure, so the next dial tries every server.
func (d *dialer) reset() {
	d.mu.Lock()
	defer d.mu.Unlock()
	clear(d.state)
}

// dialOne connects to one URL. The whole sequence (TCP, TLS, StartTLS,
// bind) runs under one deadline; when it passes, the socket is closed,
// which ends any step blocked on it.
func dialOne[C pooled](ctx context.Context, d *dialer, rawURL, bindDN, bindPW string, speak speaker[C]) (C, error) {
	var none C
	ctx, cancel := context.WithTimeout(ctx, d.dialTimeout)
	defer cancel()
	network, addr, useTLS, serverName, err := target(rawURL)
	if err != nil {
		return none, err
	}
	nd := net.Dialer{Timeout: d.dialTimeout, KeepAlive: 30 * time.Second}
	raw, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		return none, err
	}
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()

	tc := d.tls.Clone()
	if tc.ServerName == "" {
		tc.ServerName = serverName
	}
	netConn := raw
	if useTLS {
		tlsConn := tls.Client(raw, tc)
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			raw.Close()
			return none, fmt.Errorf("TLS handshake: %w", err)
		}
		netConn = tlsConn
	}
	upgrade := d.startTLS && !useTLS && network != "unix"
	c, err := speak(ctx, link{raw: raw, url: rawURL, tls: useTLS}, netConn, tc, upgrade, bindDN, bindPW)
	if err != nil {
		return none, err
	}
	if !stop() {
		// The deadline fired and closed the socket under us.
		c.close()
		return none, context.Cause(ctx)
	}
	c.state().used = time.Now()
	return c, nil
}

// speakGoLDAP starts go-ldap on the connection.
func speakGoLDAP(_ context.Context, l link, netConn net.Conn, tc *tls.Config, upgrade bool, bindDN, bindPW string) (*conn, error) {
	lc := ldap.NewConn(netConn, l.tls)
	lc.Start()
	// No go-ldap request timeout: every call runs under a context whose
	// end closes the socket (pool.call), which also unblocks a stuck write;
	// go-ldap's own timer would cost a goroutine per request for nothing.
	c := &conn{Conn: lc, link: l}
	if upgrade {
		if err := lc.StartTLS(tc); err != nil {
			c.close()
			return nil, fmt.Errorf("StartTLS: %w", err)
		}
		c.tls = true
	}
	if bindDN != "" {
		if err := lc.Bind(bindDN, bindPW); err != nil {
			c.close()
			return nil, err
		}
	}
	return c, nil
}

// speakWire is speakGoLDAP for the read client.
func speakWire(ctx context.Context, l link, netConn net.Conn, tc *tls.Config, upgrade bool, bindDN, bindPW string) (*readConn, error) {
	c := &readConn{Conn: wire.New(netConn, l.raw), link: l}
	if upgrade {
		if err := c.Conn.StartTLS(ctx, tc); err != nil {
			c.close()
			return nil, fmt.Errorf("StartTLS: %w", err)
		}
		c.tls = true
	}
	if bindDN != "" {
		if err := c.Conn.Bind(bindDN, bindPW); err != nil {
			c.close()
			return nil, err
		}
	}
	return c, nil
}

// target splits an LDAP URL into what net.Dial needs.
func target(raw string) (network, addr string, useTLS bool, host string, err error) {
	if rest, ok := strings.CutPrefix(raw, "ldapi://"); ok {
		path, _, _ := strings.Cut(rest, "/")
		if path, err = url.PathUnescape(path); err != nil {
			return "", "", false, "", err
		}
		if path == "" {
			path = "/var/run/slapd/ldapi"
		}
		return "unix", path, false, "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", false, "", err
	}
	host, port := u.Hostname(), u.Port()
	switch u.Scheme {
	case "ldap":
		if port == "" {
			port = ldap.DefaultLdapPort
		}
	case "ldaps":
		useTLS = true
		if port == "" {
			port = ldap.DefaultLdapsPort
		}
	default:
		return "", "", false, "", fmt.Errorf("unsupported scheme %q", u.Scheme)
	}
	return "tcp", net.JoinHostPort(host, port), useTLS, host, nil
}
