package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// ProfilerEnv names the environment variable that turns the profiler on:
// DIRGATE_PPROF_LISTEN=127.0.0.1:6060 serves net/http/pprof there. It is
// off unless set, and it is not a configuration key: profiles expose the
// process's internals, so it is a deliberate act of whoever starts the
// process (the load tool, an engineer chasing a regression), never
// something a config file turns on by accident.
const ProfilerEnv = "DIRGATE_PPROF_LISTEN"

// StartProfiler serves the pprof handlers on addr until ctx ends. An
// empty addr does nothing. Only loopback addresses are accepted.
func StartProfiler(ctx context.Context, addr string, log *slog.Logger) error {
	if addr == "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%s: %w", ProfilerEnv, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return fmt.Errorf("%s: %s is not a loopback address", ProfilerEnv, addr)
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("%s: %w", ProfilerEnv, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Warn("profiler stopped", "error", err)
		}
	}()
	context.AfterFunc(ctx, func() { _ = srv.Close() })
	log.Warn("profiler listening: turn it off in production", "address", ln.Addr().String(), "env", ProfilerEnv)
	return nil
}
