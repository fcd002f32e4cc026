package ldap_test

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory"
)

// plainFront is a TCP front that speaks plaintext LDAP to its clients and
// LDAPS to the DC, so that dirgate holds a plaintext connection the DC
// still accepts (Samba refuses simple binds without TLS). It records what
// clients sent, to prove no password crossed it.
type plainFront struct {
	ln   net.Listener
	mu   sync.Mutex
	sent bytes.Buffer
}

func newPlainFront(t *testing.T, srv *samba.Server) *plainFront {
	t.Helper()
	cfg, err := srv.TLSConfig()
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &plainFront{ln: ln}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	upstream := strings.TrimPrefix(srv.URL, "ldaps://")
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer client.Close()
				dc, err := tls.Dial("tcp", upstream, cfg)
				if err != nil {
					return
				}
				defer dc.Close()
				go func() { _, _ = io.Copy(client, dc); client.Close() }()
				_, _ = io.Copy(dc, io.TeeReader(client, f))
			})
		}
	})
	return f
}

func (f *plainFront) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sent.Write(p)
}

func (f *plainFront) carried(s string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return bytes.Contains(f.sent.Bytes(), []byte(s))
}

// TestADPasswordTransport: on a plaintext connection the ad profile
// refuses to send any password (set, change, or the one of a new user)
// with ErrPasswordTransport, and none crosses the wire; over StartTLS the
// same calls work.
func TestADPasswordTransport(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	tlsDir := open(t, adConfig(srv, base))
	u, err := tlsDir.CreateUser(t.Context(), directory.NewUser{ParentDN: base, Username: "transport", Password: adPassword1})
	if err != nil {
		t.Fatal(err)
	}

	front := newPlainFront(t, srv)
	cfg := adConfig(srv, base)
	cfg.URLs = []string{"ldap://" + front.ln.Addr().String()}
	plain := open(t, cfg)
	ctx := t.Context()
	if got, err := plain.GetUser(ctx, directory.ByName("transport")); err != nil || got.ID != u.ID {
		t.Fatalf("reads over the plaintext connection: %v, %v", got, err)
	}
	for what, err := range map[string]error{
		"SetPassword":    plain.SetPassword(ctx, directory.ByID(u.ID), adPassword2, false),
		"ChangePassword": plain.ChangePassword(ctx, directory.ByID(u.ID), adPassword1, adPassword2),
		"CreateUser": func() error {
			_, err := plain.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "plainnew", Password: adPassword2})
			return err
		}(),
		"CreateUser without a password": func() error {
			_, err := plain.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "plainnew2"})
			return err
		}(),
	} {
		if !errors.Is(err, directory.ErrPasswordTransport) || !strings.Contains(err.Error(), "LDAPS or StartTLS") {
			t.Errorf("%s over plaintext: %v, want ErrPasswordTransport saying what to do", what, err)
		}
	}
	if front.carried("unicodePwd") {
		t.Error("a unicodePwd write crossed the plaintext connection")
	}
	if _, err := tlsDir.GetUser(ctx, directory.ByName("plainnew")); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("a refused create left the user: %v", err)
	}
	if got := adBind(t, srv, u.DN, adPassword1); got != "" {
		t.Errorf("the refused writes changed the password: data %s", got)
	}

	// StartTLS on the plain port is as good as LDAPS.
	cfg = adConfig(srv, base)
	cfg.URLs, cfg.TLS.StartTLS = []string{srv.StartTLSURL}, true
	startTLS := open(t, cfg)
	if err := startTLS.SetPassword(ctx, directory.ByID(u.ID), adPassword2, false); err != nil {
		t.Fatalf("SetPassword over StartTLS: %v", err)
	}
	if got := adBind(t, srv, u.DN, adPassword2); got != "" {
		t.Errorf("bind with the password set over StartTLS: data %s", got)
	}
}
