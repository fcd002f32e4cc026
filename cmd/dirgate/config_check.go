package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Work with the configuration",
	}
	var f configFlags
	check := &cobra.Command{
		Use:   "check",
		Short: "Load and validate the configuration; list every problem and exit non-zero on any",
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
			var enabled int
			for _, d := range cfg.Dialects {
				if d.Enabled {
					enabled++
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "configuration %s is valid: %d domain%s, %d dialect%s enabled\n",
				src.File, len(cfg.Domains), plural(len(cfg.Domains)), enabled, plural(enabled))
			return nil
		},
	}
	f.bind(check, false)
	cmd.AddCommand(check, newConfigPrintCmd())
	return cmd
}
