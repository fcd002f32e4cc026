package main

import (
	"fmt"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/internal/version"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print dirgate's version",
		Args:  cobra.NoArgs,
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), versionLine())
		},
	}
}

// versionLine is what both `dirgate version` and `dirgate --version` print.
func versionLine() string {
	return fmt.Sprintf("dirgate %s (%s %s/%s)", version.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
