package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

func newImportCmd() *cobra.Command {
	var (
		f       configFlags
		in      string
		domain  string
		replace bool
	)
	cmd := &cobra.Command{
		Use:   "import --in FILE [--domain NAME] [--replace]",
		Short: "Add the entries of an LDIF export to a domain",
		Long: "Add the entries of an LDIF export (dirgate export) to a domain, parents first. An entry that\n" +
			"exists is left alone, or replaced with --replace. `--in -` reads stdin.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return errors.New("--in FILE is required (- for stdin)")
			}
			var r io.Reader = cmd.InOrStdin()
			if in != "-" {
				file, err := os.Open(in)
				if err != nil {
					return fmt.Errorf("import: %w", err)
				}
				defer file.Close()
				r = file
			}
			return withDomain(cmd.Context(), cmd, &f, domain, func(ctx context.Context, dom *identity.Domain) error {
				var notes directory.ImportNotes
				ctx, done := withProgress(directory.WithImportNotes(ctx, &notes), cmd.ErrOrStderr(), "importing")
				n, err := dom.Import(ctx, cliCaller, r, replace)
				done()
				if err != nil {
					return fmt.Errorf("import: %w", err)
				}
				printCount(cmd.ErrOrStderr(), "imported", n.Written(), dom)
				fmt.Fprintf(cmd.ErrOrStderr(), "(%d added, %d replaced)\n", n.Added, n.Replaced)
				printUnverifiable(cmd.ErrOrStderr(), &notes)
				return nil
			})
		},
	}
	f.bind(cmd, false)
	cmd.Flags().StringVar(&in, "in", "", "LDIF file to read (- for stdin)")
	cmd.Flags().StringVar(&domain, "domain", "", "domain to import into (default: the first configured)")
	cmd.Flags().BoolVar(&replace, "replace", false, "replace entries that exist instead of keeping them")
	return cmd
}

// printUnverifiable says once how many imported users cannot log on until
// they are given a new password — not a line per user.
func printUnverifiable(w io.Writer, notes *directory.ImportNotes) {
	if notes.Unverifiable == 0 {
		return
	}
	users := "users keep"
	if notes.Unverifiable == 1 {
		users = "user keeps"
	}
	fmt.Fprintf(w, "%s %s a password hash this store cannot verify (%s): they cannot log on until they are "+
		"given a new password (an administrator sets one through any dialect); "+
		"see docs/deployment.md, \"From another directory into the embedded store\"\n",
		thousands(notes.Unverifiable), users, strings.Join(notes.Schemes(), ", "))
}
