package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/pkg/identity"
)

func newExportCmd() *cobra.Command {
	var (
		f      configFlags
		out    string
		domain string
	)
	cmd := &cobra.Command{
		Use:   "export --out FILE [--domain NAME]",
		Short: "Write a domain's whole tree as LDIF (a backup, or to move into OpenLDAP)",
		Long: "Write every entry of a domain as LDIF, parents first, password hashes included: the file is\n" +
			"a secret and is written 0600. `--out -` writes to stdout. An export of the embedded backend\n" +
			"imports into OpenLDAP with dirgate's schema (schema/openldap/), see docs/deployment.md.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("--out FILE is required (- for stdout)")
			}
			return withDomain(cmd.Context(), cmd, &f, domain, func(ctx context.Context, dom *identity.Domain) error {
				ctx, done := withProgress(ctx, cmd.ErrOrStderr(), "exporting")
				var n int
				var err error
				if out == "-" {
					n, err = dom.Export(ctx, cliCaller, cmd.OutOrStdout())
					if err != nil {
						err = fmt.Errorf("export: %w", err)
					}
				} else {
					n, err = exportToFile(ctx, dom, out)
				}
				done()
				if err != nil {
					return err
				}
				printCount(cmd.ErrOrStderr(), "exported", n, dom)
				return nil
			})
		},
	}
	f.bind(cmd, false)
	cmd.Flags().StringVar(&out, "out", "", "LDIF file to write (- for stdout)")
	cmd.Flags().StringVar(&domain, "domain", "", "domain to export (default: the first configured)")
	return cmd
}

// exportToFile writes the export next to path and renames it into place
// once complete, so a failed export never leaves half a backup under the
// real name.
func exportToFile(ctx context.Context, dom *identity.Domain, path string) (int, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("export: %w", err)
	}
	n, err := dom.Export(ctx, cliCaller, tmp)
	if err != nil {
		tmp.Close()
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return 0, fmt.Errorf("export: %w", err)
	}
	return n, nil
}
