// Package server runs dirgate's HTTP side: one echo instance per distinct
// listener (the main address and each dialect's own TCP addresses and
// unix sockets), the common middleware, health, readiness and metrics, and
// graceful shutdown. It knows dialects only through package dialect, so
// adding one touches nothing here.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/console"
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Options is what a Server is built from.
type Options struct {
	Config  *config.Config
	Core    *identity.Service
	Log     *slog.Logger
	Metrics *Metrics
	Version string
	// Listeners, when set, are the listeners opened ahead (Listen); Start
	// opens any the configuration names beyond them.
	Listeners *Listeners
	// AuditRing, with console.enabled, is the ring the audit log also
	// writes to (OpenAudit), for the console's audit view.
	AuditRing *console.AuditRing
}

// Server is every listener of one dirgate process.
type Server struct {
	cfg     *config.Config
	core    *identity.Service
	log     *slog.Logger
	metrics *Metrics
	// ipExtractor decides every request's client address (trusted proxies).
	ipExtractor echo.IPExtractor
	opened      *Listeners
	// recorder counts each dialect's traffic per client, for the console
	// and /metrics; nil when the console is off.
	recorder *console.Recorder
	// dialects are the enabled dialects' names: only their requests are
	// counted per client.
	dialects map[string]bool

	endpoints []*endpoint
	// closers are the dialects with background work (io.Closer), closed
	// after the listeners stop.
	closers  []io.Closer
	mu       sync.Mutex // guards started
	started  bool
	serveErr chan error
}

// endpoint is one listener and the echo instance that answers on it.
type endpoint struct {
	listener config.Listener
	echo     *echo.Echo
	routes   *routeTable
	http     *http.Server
	ln       net.Listener
	// foldedPrefixes are the case-insensitive dialect prefixes mounted here.
	foldedPrefixes []string
	// served lists the dialects mounted here, for the landing answer.
	served []served
	// consoleLinks and apiDocs: the landing page links the console and
	// the API pages (main listener, console enabled).
	consoleLinks, apiDocs bool
}

// New builds the echo instances and mounts every enabled dialect on its
// listeners; nothing listens until Start.
func New(o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Metrics == nil {
		o.Metrics = NewMetrics(o.Version)
	}
	s := &Server{cfg: o.Config, core: o.Core, log: o.Log, metrics: o.Metrics, opened: o.Listeners, dialects: map[string]bool{}}
	if o.Config.Console.Enabled {
		s.recorder = console.NewRecorder(o.Config.Console.MaxClients)
		s.metrics.Registry.MustRegister(s.recorder.Collector())
	}
	var trusted []netip.Prefix
	for _, p := range o.Config.Server.TrustedProxies {
		prefix, err := config.ParsePrefix(p)
		if err != nil {
			return nil, fmt.Errorf("server.trustedProxies: %q: %w", p, err)
		}
		trusted = append(trusted, prefix)
	}
	s.ipExtractor = ipExtractor(trusted, o.Config.Server.ClientAddressHeader)
	mainEP := s.endpoint(config.Listener{TCP: o.Config.Listen})
	s.mountHealth(mainEP)

	// Every documented dialect's document, in enabledDialects' order.
	var apiDocs []console.APIDocument
	for _, name := range enabledDialects(o.Config) {
		s.dialects[name] = true
		dc := o.Config.Dialects[name]
		d, err := dc.Config.Build(dialect.Deps{
			Core: o.Core, Log: o.Log.With("dialect", name), Version: o.Version, DataDir: o.Config.DataDir,
		})
		if err != nil {
			return nil, fmt.Errorf("dialect %s: %w", name, err)
		}
		if c, ok := d.(io.Closer); ok {
			s.closers = append(s.closers, c)
		}
		prefix := defaultPrefix(dc, d)
		if dd, ok := d.(dialect.Documented); ok {
			apiDocs = append(apiDocs, console.APIDocument{Dialect: name, Document: dd.APIDocument(), Prefix: prefix})
		}
		listeners := dc.Listeners
		if len(listeners) == 0 {
			listeners = []config.Listener{mainEP.listener}
		}
		for _, l := range listeners {
			s.endpoint(l).mount(name, prefix, d, s.log)
		}
	}
	if o.Config.Console.Enabled {
		if err := s.mountConsole(mainEP, o, apiDocs); err != nil {
			return nil, fmt.Errorf("console: %w", err)
		}
	}
	for _, ep := range s.endpoints {
		ep.mountLanding(ep == mainEP)
		ep.http = &http.Server{
			Handler:           ep.echo,
			ReadTimeout:       o.Config.Server.ReadTimeout,
			ReadHeaderTimeout: o.Config.Server.ReadHeaderTimeout,
			WriteTimeout:      o.Config.Server.WriteTimeout,
			IdleTimeout:       o.Config.Server.IdleTimeout,
			ErrorLog:          slog.NewLogLogger(o.Log.Handler(), slog.LevelWarn),
		}
	}
	return s, nil
}

// defaultPrefix is the configured prefix, else the one the config or the
// dialect itself declares (dialect.Prefixer), else the root.
func defaultPrefix(dc config.Dialect, d dialect.Dialect) string {
	if dc.Prefix != "" {
		return dc.Prefix
	}
	for _, v := range []any{dc.Config, d} {
		if p, ok := v.(dialect.Prefixer); ok {
			return p.DefaultPrefix()
		}
	}
	return ""
}

func enabledDialects(cfg *config.Config) []string {
	var names []string
	for name, d := range cfg.Dialects {
		if d.Enabled && d.Config != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// endpoint returns the endpoint of a listener, creating it on first use:
// dialects that name the same address share one echo instance.
func (s *Server) endpoint(l config.Listener) *endpoint {
	for _, ep := range s.endpoints {
		if ep.listener.Network() == l.Network() && ep.listener.Address() == l.Address() {
			return ep
		}
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = s.ipExtractor
	e.Logger.SetOutput(io.Discard) // everything worth saying goes through slog
	routes := &routeTable{byPath: map[string]string{}, prefixes: map[string]string{}}
	e.Use(
		hardenHeaders(),
		requestID(),
		tagDialect(routes),
		observe(s.log, s.metrics, s.countClient),
		recoverPanics(s.log),
		limitBody(s.cfg.Server.BodyLimit),
	)
	ep := &endpoint{listener: l, echo: e, routes: routes}
	e.Pre(foldPrefixes(&ep.foldedPrefixes))
	s.endpoints = append(s.endpoints, ep)
	return ep
}

// mount lets a dialect register its routes under prefix and remembers
// which routes are its own, for logs and metrics.
func (ep *endpoint) mount(name, prefix string, d dialect.Dialect, log *slog.Logger) {
	before := map[string]bool{}
	for _, r := range ep.echo.Routes() {
		before[r.Method+" "+r.Path] = true
	}
	d.Mount(ep.echo.Group(prefix), ep.listener.Dialect())
	var paths []string
	for _, r := range ep.echo.Routes() {
		if before[r.Method+" "+r.Path] {
			continue
		}
		paths = append(paths, strings.TrimPrefix(r.Path, prefix))
		if other, taken := ep.routes.byPath[r.Path]; taken && other != name {
			log.Warn("two dialects share a route on one listener", "route", r.Path, "listener", ep.listener.Address(),
				"dialects", []string{other, name})
			continue
		}
		ep.routes.byPath[r.Path] = name
	}
	ep.noteServed(name, prefix, paths)
	if prefix != "" {
		ep.routes.prefixes[prefix] = name
		if ci, ok := d.(dialect.CaseInsensitivePrefix); ok && ci.CaseInsensitivePrefix() {
			ep.foldedPrefixes = append(ep.foldedPrefixes, prefix)
		}
	}
	log.Info("dialect mounted", "dialect", name, "listener", ep.listener.Network()+":"+ep.listener.Address(), "prefix", prefix)
}

// Start opens every listener and serves in the background. When one
// listener cannot be opened, none stays open.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.started {
		return errors.New("server already started")
	}
	for _, ep := range s.endpoints {
		if ln := s.opened.take(ep.listener); ln != nil {
			ep.ln = ln
			continue
		}
		ln, err := listen(ctx, ep.listener)
		if err != nil {
			for _, opened := range s.endpoints {
				if opened.ln != nil {
					opened.ln.Close()
				}
			}
			return err
		}
		ep.ln = ln
	}
	s.started = true
	s.serveErr = make(chan error, len(s.endpoints))
	for _, ep := range s.endpoints {
		go func() {
			if err := ep.http.Serve(ep.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.serveErr <- fmt.Errorf("listener %s: %w", ep.ln.Addr(), err)
			}
		}()
		s.log.Info("listening", "network", ep.listener.Network(), "address", ep.ln.Addr().String())
	}
	return nil
}

// Addrs lists the addresses listened on, the main listener first (useful
// when a port was 0).
func (s *Server) Addrs() []net.Addr {
	var out []net.Addr
	for _, ep := range s.endpoints {
		if ep.ln != nil {
			out = append(out, ep.ln.Addr())
		}
	}
	return out
}

// Run starts the server, serves until ctx is done, then shuts down
// gracefully: listeners close at once, in-flight requests get
// server.shutdownGrace to finish, and the connections still open after
// that are closed. A clean stop returns nil.
func (s *Server) Run(ctx context.Context) error {
	if err := s.Start(ctx); err != nil {
		return err
	}
	var failed error
	select {
	case <-ctx.Done():
		s.log.Info("shutting down", "grace", s.cfg.Server.ShutdownGrace.String())
	case failed = <-s.serveErr:
		s.log.Error("listener failed; shutting down", "error", failed)
	}
	// The grace period runs from the signal, not from the parent context,
	// which is already done.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Server.ShutdownGrace)
	defer cancel()
	return errors.Join(failed, s.Shutdown(sctx))
}

// Shutdown stops every listener and waits for in-flight requests until
// ctx ends; then it closes what is left. Running out of grace is logged,
// not an error: the process was asked to stop, and it has.
func (s *Server) Shutdown(ctx context.Context) error {
	start := time.Now()
	var wg sync.WaitGroup
	errs := make([]error, len(s.endpoints))
	for i, ep := range s.endpoints {
		wg.Go(func() {
			err := ep.http.Shutdown(ctx)
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				s.log.Warn("grace period over: closing connections still in use", "listener", ep.listener.Address())
				err = ep.http.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	s.log.Info("listeners stopped", "took", time.Since(start).String())
	// Dialects' background work (scheduled backups, a restore in progress)
	// ends after the last request that could have started more.
	for _, c := range s.closers {
		errs = append(errs, c.Close())
	}
	return errors.Join(errs...)
}
