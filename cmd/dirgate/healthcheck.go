package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/config"
)

func newHealthcheckCmd() *cobra.Command {
	var (
		url     string
		listen  string
		timeout time.Duration
	)
	cmd := &cobra.Command{
		Use:   "healthcheck [--url URL]",
		Short: "Exit 0 when dirgate answers /healthz (for Docker HEALTHCHECK in an image without curl)",
		Long: "GET the health URL and exit 0 on 200, 1 otherwise. The default URL is /healthz on the main\n" +
			"listener from --listen or DIRGATE_LISTEN (a wildcard host is probed on loopback).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				src := config.Source{}
				if cmd.Flags().Changed("listen") {
					src.Overrides = map[string]any{"listen": listen}
				}
				base, err := config.Base(registry, src)
				if err != nil {
					return err
				}
				url = "http://" + probeAddress(base.Listen) + "/healthz"
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return &exitError{code: 1, err: fmt.Errorf("unhealthy: %w", err)}
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				return &exitError{code: 1, err: fmt.Errorf("unhealthy: %s answered %s", url, resp.Status)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "health URL (default: http://<listen>/healthz)")
	cmd.Flags().StringVar(&listen, "listen", config.DefaultListen, "main listener host:port (env DIRGATE_LISTEN)")
	cmd.Flags().DurationVar(&timeout, "timeout", 3*time.Second, "give up after this long")
	return cmd
}

// probeAddress turns a listen address into one to connect to: a wildcard
// host (0.0.0.0, ::, empty) is reached on loopback.
func probeAddress(listen string) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return listen
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}
