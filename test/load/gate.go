package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The LDAP backend's readModel settings a run can measure (-readmodel):
// one process with the model off or on, or both side by side on one slapd.
const (
	readModelOff  = "off"
	readModelOn   = "on"
	readModelBoth = "both"
)

// readModels lists the settings of the dirgate processes a run starts,
// in the order they start and appear in each round.
func readModels(flag string) ([]string, error) {
	switch flag {
	case readModelOff, readModelOn:
		return []string{flag}, nil
	case readModelBoth:
		return []string{readModelOff, readModelOn}, nil
	}
	return nil, fmt.Errorf("-readmodel: %q is not off, on or both", flag)
}

// modelSuffix marks the rows of a dirgate serving reads from its read
// model.
const modelSuffix = ", read model"

// targetName is the row name of a dialect served by a dirgate with the
// given readModel setting: "AD-web" or "AD-web, read model".
func targetName(dialect, readModel string) string {
	if readModel == readModelOn {
		return dialect + modelSuffix
	}
	return dialect
}

// gate is one dirgate process of a stack: its own listener, unix socket,
// data directory, credentials and readModel setting, on the stack's slapd.
type gate struct {
	s         *stack
	readModel string
	dg        *dirgateProc
	cr        credentials
	// Tokens of the dialects that log in (privacyIDEA, OpenAPI).
	piToken, oaToken string
	// pprofAddr is where it serves pprof when profiling, else "".
	pprofAddr string
	// scimIDs maps fixture usernames to SCIM ids, read once (scimID).
	scimOnce sync.Once
	scimIDs  map[string]string
	scimErr  error
}

// readyLimit is how long a dirgate may take from exec to /readyz: with
// the model on, /readyz waits for the model's first load, which takes
// seconds per 10,000 users on a busy machine.
func readyLimit(readModel string, users int) time.Duration {
	if readModel == readModelOn {
		return 30*time.Second + time.Duration(users/10000)*20*time.Second
	}
	return 30 * time.Second
}

// startGate starts one dirgate on the stack's slapd and logs in.
func (s *stack) startGate(ctx context.Context, o *options, readModel string) (*gate, error) {
	bin, workDir, profile := o.bin, o.workDir, o.pprofDir != ""
	g := &gate{s: s, readModel: readModel}
	dataDir, err := os.MkdirTemp(workDir, "dirgate-"+readModel+"-")
	if err != nil {
		return nil, err
	}
	g.cr = newCredentials(dataDir)
	cfg, err := writeConfig(dataDir, s.srv, g.cr, readModel)
	if err != nil {
		return nil, err
	}
	var env []string
	if profile {
		if g.pprofAddr, err = freeAddr(); err != nil {
			slog.Warn("no port for the profiler", "error", err)
		} else {
			env = []string{profilerEnv + "=" + g.pprofAddr}
		}
	}
	if readModel == readModelOn && o.modelMemLimit != "" {
		env = append(env, "GOMEMLIMIT="+o.modelMemLimit)
	}
	if g.dg, err = startDirgate(ctx, bin, dataDir, cfg, env, readyLimit(readModel, s.fx.users)); err != nil {
		return nil, err
	}
	slog.Info("dirgate ready", "readModel", readModel, "url", g.dg.url, "exec to /readyz", g.dg.ready.Sub(g.dg.started).Round(time.Millisecond),
		"log", g.logPath(), "pprof", g.pprofAddr)
	if err := g.login(ctx); err != nil {
		g.dg.stop()
		return nil, err
	}
	return g, nil
}

// login gets the admin's privacyIDEA and OpenAPI tokens.
func (g *gate) login(ctx context.Context) error {
	h := newHTTPClient(g.dg.url, nil)
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
	g.piToken, g.oaToken = pi.Result.Value.Token, oa.Token
	return nil
}

func (g *gate) pid() int { return g.dg.pid() }

// logPath is dirgate's log, for error messages.
func (g *gate) logPath() string { return filepath.Join(g.dg.dataDir, "dirgate.log") }
