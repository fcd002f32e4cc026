package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/internal/server"
	"github.com/dirgate/dirgate/pkg/identity"
)

// cliCaller is who export and import act as, in the audit log. It holds
// the restore right: whoever runs dirgate with its configuration can read
// the directory's credentials and the data directory anyway.
var cliCaller = identity.Caller{Name: "cli", Dialect: "cli", Scope: identity.Scope{Restore: true}}

// withDomain loads the configuration, opens its directories and runs fn
// on the named domain (the default when name is empty). The embedded
// store admits one process at a time: stop `dirgate serve` first.
func withDomain(ctx context.Context, cmd *cobra.Command, f *configFlags, name string,
	fn func(context.Context, *identity.Domain) error) error {
	src, err := f.existing(cmd)
	if err != nil {
		return err
	}
	cfg, err := load(src, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	log, err := server.NewLogger(cfg.Log, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	audit, auditFile, err := server.OpenAudit(cfg.Audit)
	if err != nil {
		return err
	}
	defer auditFile.Close()
	core, err := server.OpenCore(ctx, cfg, audit, log, nil)
	if err != nil {
		return err
	}
	defer core.Close()
	dom := core.Default()
	if name != "" {
		if dom, err = core.Domain(name); err != nil {
			return err
		}
	}
	return fn(ctx, dom)
}

func printCount(w io.Writer, verb string, n int, dom *identity.Domain) {
	noun := "entries"
	if n == 1 {
		noun = "entry"
	}
	fmt.Fprintf(w, "%s %d %s of domain %s (%s)\n", verb, n, noun, dom.Name(), dom.BaseDN())
}
