package main

import (
	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/config"
)

// newConfigPrintCmd shows the configuration dirgate would run with —
// defaults, file, environment, *_FILE secrets and flags merged — with
// every secret masked, so it can be pasted into an issue.
func newConfigPrintCmd() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "print",
		Short: "Print the effective configuration (file, environment and flags merged), secrets masked",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			src, err := f.existing(cmd)
			if err != nil {
				return err
			}
			cfg, err := load(src, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			out, err := config.MarshalMasked(cfg)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	f.bind(cmd, true)
	return cmd
}
