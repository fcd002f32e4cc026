package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
)

// stack is one slapd loaded with a fixture and one dirgate serving all
// six dialects on it.
type stack struct {
	fx        fixture
	srv       *slapd.Server
	stopSlapd func()
	dg        *dirgateProc
	cr        credentials
	// Tokens of the dialects that log in (privacyIDEA, OpenAPI).
	piToken, oaToken string
	// scimIDs maps fixture usernames to SCIM ids, read once (scimID).
	scimOnce sync.Once
	scimIDs  map[string]string
	scimErr  error
	// slapdLoad is how long slapadd took to load the fixture.
	slapdLoad time.Duration
}

// startStack bulk-loads the fixture into a private slapd (slapadd) and
// starts dirgate on it.
func startStack(ctx context.Context, bin, workDir, readModel string, fx fixture, env []string) (*stack, error) {
	s := &stack{fx: fx}
	start := time.Now()
	srv, stop, err := slapd.StartStandalone(slapd.Options{LDIF: fx.ldif()})
	if err != nil {
		return nil, err
	}
	s.srv, s.stopSlapd, s.slapdLoad = srv, stop, time.Since(start)
	dataDir, err := os.MkdirTemp(workDir, "dirgate-")
	if err != nil {
		s.close()
		return nil, err
	}
	s.cr = newCredentials(dataDir)
	cfg, err := writeConfig(dataDir, srv, s.cr, readModel)
	if err != nil {
		s.close()
		return nil, err
	}
	if s.dg, err = startDirgate(ctx, bin, dataDir, cfg, env); err != nil {
		s.close()
		return nil, err
	}
	if err := s.login(ctx); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *stack) close() {
	if s.dg != nil {
		s.dg.stop()
	}
	if s.stopSlapd != nil {
		s.stopSlapd()
	}
}

func (s *stack) procs() (procs, error) {
	pid, err := s.srv.PID()
	if err != nil {
		return procs{}, err
	}
	return procs{dirgate: s.dg.pid(), slapd: pid}, nil
}

// login gets the admin's privacyIDEA and OpenAPI tokens.
func (s *stack) login(ctx context.Context) error {
	h := newHTTPClient(s.dg.url, nil)
	defer h.close()
	creds := map[string]string{"username": adminUser, "password": adminPassword}
	b, err := h.postJSON(ctx, "/auth", creds, http.StatusOK)
	if err != nil {
		return fmt.Errorf("privacyIDEA login: %w", err)
	}
	var pi struct {
		Result struct {
			Value struct {
				Token string `json:"token"`
			} `json:"value"`
		} `json:"result"`
	}
	if err := json.Unmarshal(b, &pi); err != nil || pi.Result.Value.Token == "" {
		return fmt.Errorf("privacyIDEA login: no token in %s", clip(b))
	}
	b, err = h.postJSON(ctx, "/api/login", creds, http.StatusOK)
	if err != nil {
		return fmt.Errorf("OpenAPI login: %w", err)
	}
	var oa struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(b, &oa); err != nil || oa.Token == "" {
		return fmt.Errorf("OpenAPI login: no token in %s", clip(b))
	}
	s.piToken, s.oaToken = pi.Result.Value.Token, oa.Token
	return nil
}

// logPath is dirgate's log, for error messages.
func (s *stack) logPath() string { return filepath.Join(s.dg.dataDir, "dirgate.log") }
