package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/adapters/adweb"
	"github.com/dirgate/dirgate/pkg/directory"
)

func newAPIKeyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "apikey",
		Short: "Manage AD-web API keys (ApiKey/ApiSecret pairs)",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newAPIKeyCreateCmd())
	return cmd
}

func newAPIKeyCreateCmd() *cobra.Command {
	var (
		name     string
		readOnly bool
		subtrees []string
	)
	cmd := &cobra.Command{
		Use:   "create [--name NAME] [--read-only] [--subtree DN]...",
		Short: "Generate an AD-web ApiKey/ApiSecret pair and print its configuration entry",
		Long: "Generate a new AD-web key pair. The secret is printed once: the configuration keeps only its\n" +
			"SHA-256 hash, so add the printed entry under dialects.adweb.config.keys and give the pair to\n" +
			"the client. --read-only allows only the get… endpoints; --subtree (repeatable) limits the key\n" +
			"to entries at or below that DN.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			for _, dn := range subtrees {
				if _, err := directory.ParseDN(dn); err != nil {
					return &exitError{code: 2, err: fmt.Errorf("--subtree %q is not a valid DN", dn)}
				}
			}
			k, secret, err := adweb.NewKey(name, readOnly, subtrees)
			if err != nil {
				return err
			}
			return printAPIKey(cmd.OutOrStdout(), k, secret)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&name, "name", "", "name of the key in the audit log (default: the key itself)")
	fl.BoolVar(&readOnly, "read-only", false, "allow only reads")
	fl.StringArrayVar(&subtrees, "subtree", nil, "limit the key to this subtree (DN); repeatable")
	return cmd
}

// printAPIKey shows the pair and the YAML entry to add. Values are written
// as JSON strings, which YAML reads as double-quoted scalars: DNs keep
// their commas and equals signs.
func printAPIKey(w io.Writer, k adweb.KeyConfig, secret string) error {
	q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
	var b strings.Builder
	fmt.Fprintf(&b, "ApiKey:    %s\nApiSecret: %s\n\n", k.Key, secret)
	b.WriteString("The secret is shown only now; dirgate keeps only its hash.\n")
	b.WriteString("Add this entry under dialects.adweb.config.keys:\n\n")
	if k.Name != "" {
		fmt.Fprintf(&b, "      - name: %s\n        key: %s\n", q(k.Name), q(k.Key))
	} else {
		fmt.Fprintf(&b, "      - key: %s\n", q(k.Key))
	}
	fmt.Fprintf(&b, "        secretHash: %s\n", q(k.SecretHash))
	if k.ReadOnly {
		b.WriteString("        readOnly: true\n")
	}
	if len(k.Subtrees) > 0 {
		b.WriteString("        subtrees:\n")
		for _, dn := range k.Subtrees {
			fmt.Fprintf(&b, "          - %s\n", q(dn))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
