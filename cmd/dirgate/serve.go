package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/console"
	"github.com/dirgate/dirgate/internal/quickstart"
	"github.com/dirgate/dirgate/internal/server"
	"github.com/dirgate/dirgate/internal/version"
)

func newServeCmd() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the gateway (the quick start when no --config is given)",
		Long: "Run the gateway until SIGTERM or SIGINT, then stop accepting, let in-flight requests finish\n" +
			"within server.shutdownGrace, close the directory and exit 0.\n\n" +
			"Without --config: the quick start. The first start writes <data-dir>/dirgate.yaml for the\n" +
			"embedded backend with every dialect enabled, creates an admin and the dialects' credentials,\n" +
			"prints them once and saves them in <data-dir>/initial-credentials.json; later starts reuse them.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGTERM, syscall.SIGINT)
			defer stop()
			go func() {
				<-ctx.Done()
				stop() // a second signal kills at once
			}()
			return serve(ctx, cmd, &f)
		},
	}
	f.bind(cmd, true)
	return cmd
}

func serve(ctx context.Context, cmd *cobra.Command, f *configFlags) error {
	stderr := cmd.ErrOrStderr()
	src := f.source(cmd)
	// Listeners are opened first: a port in use is reported before the
	// quick start provisions anything and before directories are opened.
	var listeners *server.Listeners
	defer func() { listeners.Close() }() // the ones the server did not take
	bind := func(cfg *config.Config) (err error) {
		listeners, err = server.Listen(ctx, cfg)
		return err
	}
	if src.File == "" {
		base, err := config.Base(registry, src)
		if err != nil {
			return err
		}
		bootLog, err := server.NewLogger(base.Log, stderr)
		if err != nil {
			return err
		}
		if src.File, err = quickstart.Prepare(ctx, quickstart.Options{Registry: registry, Base: base, Log: bootLog, Out: stderr, Bind: bind}); err != nil {
			return err
		}
	}
	cfg, err := load(src, stderr)
	if err != nil {
		return err
	}
	log, err := server.NewLogger(cfg.Log, stderr)
	if err != nil {
		return err
	}
	if listeners == nil {
		if err := bind(cfg); err != nil {
			return err
		}
	}
	log.Info("dirgate starting", "version", version.Version, "config", src.File, "pid", os.Getpid())
	if err := server.StartProfiler(ctx, os.Getenv(server.ProfilerEnv), log); err != nil {
		return err
	}

	// The console's audit view keeps the latest lines the audit log writes.
	var auditRing *console.AuditRing
	var alsoAudit []io.Writer
	if cfg.Console.Enabled {
		auditRing = console.NewAuditRing(cfg.Console.AuditEntries)
		alsoAudit = append(alsoAudit, auditRing)
	}
	audit, auditFile, err := server.OpenAudit(cfg.Audit, alsoAudit...)
	if err != nil {
		return err
	}
	defer auditFile.Close()
	metrics := server.NewMetrics(version.Version)
	core, err := server.OpenCore(ctx, cfg, audit, log, metrics)
	if err != nil {
		return err
	}
	if err := checkDefaultGroups(ctx, core, log); err != nil {
		core.Close()
		return err
	}
	srv, err := server.New(server.Options{Config: cfg, Core: core, Log: log, Metrics: metrics, Version: version.Version, Listeners: listeners, AuditRing: auditRing})
	if err != nil {
		core.Close()
		return err
	}
	runErr := srv.Run(ctx)
	if err := core.Close(); err != nil {
		log.Warn("closing the directory", "error", err)
	}
	if runErr != nil {
		return fmt.Errorf("serve: %w", runErr)
	}
	log.Info("dirgate stopped")
	return nil
}
