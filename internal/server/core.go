package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/throttle"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
	"github.com/dirgate/dirgate/pkg/identity"
)

// OpenCore opens every domain's directory and builds the core over them.
// With metrics, each directory is measured (InstrumentDirectory). On
// failure every directory already opened is closed again.
func OpenCore(ctx context.Context, cfg *config.Config, audit *identity.AuditLog, log *slog.Logger, m *Metrics) (*identity.Service, error) {
	var opened []directory.Directory
	fail := func(err error) (*identity.Service, error) {
		for _, d := range opened {
			_ = d.Close()
		}
		return nil, err
	}
	var domains []*identity.Domain
	// One bound for every domain: the cores and the memory are the
	// machine's.
	hashing := identity.NewHashingBound(cfg.PasswordHashing)
	for _, d := range cfg.Domains {
		if d.Backend.Config == nil {
			return fail(fmt.Errorf("domain %s: backend %q is not configured", d.Name, d.Backend.Type))
		}
		dir, err := d.Backend.Config.Open(ctx, directory.BackendEnv{
			Domain: d.Name, BaseDN: d.BaseDN, DataDir: cfg.DataDir,
			Log: log.With("domain", d.Name),
		})
		if err != nil {
			return fail(fmt.Errorf("domain %s: open %s backend: %w", d.Name, d.Backend.Type, err))
		}
		opened = append(opened, dir)
		if rm, ok := dir.(*readmodel.Directory); ok && m != nil {
			registerReadModel(m, d.Name, rm)
		}
		rules := d.Identity()
		rules.Hashing = hashing
		rules.AdminGroups = cfg.AdminGroups()
		domains = append(domains, identity.NewDomain(rules, InstrumentDirectory(dir, d.Name, m), audit, log.With("domain", d.Name)))
	}
	core, err := identity.NewService(domains...)
	if err != nil {
		return fail(err)
	}
	limits := throttle.New(cfg.Server.Throttle)
	core.SetThrottle(limits)
	if m != nil {
		m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "dirgate_throttle_tracked",
			Help: "Limits of failed credential checks (per address, per account and address) held now; at most server.throttle.maxTracked.",
		}, func() float64 { return float64(limits.Tracked()) }))
	}
	return core, nil
}

// OpenAudit opens the audit log: appended to the configured file
// (created 0600: it names who changed what), or stdout, and to also (the
// console's ring). The closer closes the file, if any.
func OpenAudit(cfg config.Audit, also ...io.Writer) (*identity.AuditLog, io.Closer, error) {
	if cfg.File == "" {
		return identity.NewAuditLog(io.MultiWriter(append([]io.Writer{os.Stdout}, also...)...)), nopCloser{}, nil
	}
	f, err := os.OpenFile(cfg.File, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open audit log: %w", err)
	}
	return identity.NewAuditLog(io.MultiWriter(append([]io.Writer{f}, also...)...)), f, nil
}

// NewLogger builds the server log on w (stderr in the binary).
func NewLogger(cfg config.Log, w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.Level)); err != nil {
		return nil, fmt.Errorf("log.level: %w", err)
	}
	opts := &slog.HandlerOptions{Level: level}
	switch cfg.Format {
	case "json", "":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	default:
		return nil, errors.New("log.format: must be json or text")
	}
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }
