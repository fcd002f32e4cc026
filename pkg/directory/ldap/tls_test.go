package ldap_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

func TestTLS(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{})
	env := directory.BackendEnv{BaseDN: srv.Suffix, Log: testLogger()}
	for _, tc := range []struct {
		name    string
		setup   func(*ldap.Config)
		wantErr error // from the first call; nil = works
	}{
		{"ldaps with the CA", func(c *ldap.Config) { c.URLs = []string{srv.LDAPSURL}; c.TLS.CAFile = srv.CAFile }, nil},
		{"ldaps with TLS 1.3", func(c *ldap.Config) {
			c.URLs = []string{srv.LDAPSURL}
			c.TLS.CAFile, c.TLS.MinVersion = srv.CAFile, "1.3"
		}, nil},
		{"StartTLS with the CA", func(c *ldap.Config) {
			c.TLS.StartTLS, c.TLS.CAFile, c.TLS.ServerName = true, srv.CAFile, "localhost"
		}, nil},
		{"ldaps without trusting the CA", func(c *ldap.Config) { c.URLs = []string{srv.LDAPSURL} }, directory.ErrUnavailable},
		{"ldaps with another server name", func(c *ldap.Config) {
			c.URLs = []string{srv.LDAPSURL}
			c.TLS.CAFile, c.TLS.ServerName = srv.CAFile, "ldap.example.org"
		}, directory.ErrUnavailable},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := config(srv, slapd.GroupOfNames)
			tc.setup(&c)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			d, err := ldap.Open(ctx, c, env)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer d.Close()
			_, err = d.Health(ctx)
			if !errors.Is(err, tc.wantErr) && !(tc.wantErr == nil && err == nil) {
				t.Fatalf("Health: %v, want %v", err, tc.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "certificate") {
				t.Errorf("the error does not say the certificate is the problem: %v", err)
			}
		})
	}
}

func TestServiceBindRefused(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	c := config(srv, slapd.GroupOfNames)
	c.BindPassword = "wrong"
	_, err := ldap.Open(t.Context(), c, directory.BackendEnv{BaseDN: srv.Suffix, Log: testLogger()})
	if !errors.Is(err, directory.ErrInvalidCredentials) {
		t.Fatalf("Open with a wrong service password: %v, want ErrInvalidCredentials", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Error("the error shows the password")
	}
}
