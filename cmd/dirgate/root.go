package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/internal/version"
)

// commands are dirgate's subcommands, one file each. Adding a command is
// one line here.
var commands = []func() *cobra.Command{
	newServeCmd,
	newConfigCmd,
	newVersionCmd,
	newExportCmd,
	newImportCmd,
	newHealthcheckCmd,
	newAPIKeyCmd,
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "dirgate",
		Short: "dirgate serves five legacy user-management APIs from one directory",
		Long: "dirgate is a multi-protocol directory gateway: the Artica, AD-web, privacyIDEA, Kanboard and\n" +
			"OpenAPI user-management APIs, served from one process against OpenLDAP, Active Directory\n" +
			"or an embedded store. Run `dirgate serve` to start; without --config it runs the quick start.",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.Version,
	}
	root.SetVersionTemplate(versionLine() + "\n")
	root.SetOut(stdout)
	root.SetErr(stderr)
	for _, c := range commands {
		root.AddCommand(c())
	}
	return root
}
