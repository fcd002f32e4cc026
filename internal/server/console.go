package server

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/console"
	"github.com/dirgate/dirgate/internal/dialect"
)

// processStart is when this process began serving, for the console's
// uptime.
var processStart = time.Now()

// mountConsole builds the console over this server's core, recorder and
// audit ring and mounts it on the main listener (console.enabled), with
// /api/docs over docs, the OpenAPI documents of the enabled dialects that
// have one (dialect.Documented). Its routes are the server's "console",
// which the per-client recorder does not count.
func (s *Server) mountConsole(ep *endpoint, o Options, docs []console.APIDocument) error {
	cc := o.Config.Console
	var trusted []netip.Prefix
	for _, p := range o.Config.Server.TrustedProxies {
		prefix, err := config.ParsePrefix(p)
		if err != nil {
			return fmt.Errorf("server.trustedProxies: %q: %w", p, err)
		}
		trusted = append(trusted, prefix)
	}
	ring := o.AuditRing
	if ring == nil {
		ring = console.NewAuditRing(cc.AuditEntries)
	}
	co := console.Options{
		Core: o.Core, Recorder: s.recorder, Audit: ring, Log: o.Log.With("dialect", "console"),
		Version: o.Version, Started: processStart,
		SessionSecret: cc.SessionSecret, SessionLifetime: cc.SessionLifetime,
		AdminGroups: o.Config.ConsoleAdminGroups(), RetireAfter: cc.RetireAfter,
		Dialects: enabledDialects(o.Config), TrustedProxies: trusted,
		DirectoryErrors: s.metrics.LastDirectoryError,
		APIDocuments:    docs,
	}
	con, err := console.New(co)
	if err != nil {
		return err
	}
	con.Mount(ep.echo)
	for _, p := range con.Routes() {
		ep.routes.byPath[p] = "console"
	}
	ep.consoleLinks = true
	ep.apiDocs = len(docs) > 0
	return nil
}

// countClient gives a dialect's request to the per-client recorder: the
// route label as endpoint, the caller the dialect named as credential;
// the address and User-Agent only as last-seen details.
func (s *Server) countClient(c echo.Context, dialectName, route string, elapsed time.Duration) {
	if s.recorder == nil || !s.dialects[dialectName] {
		return
	}
	addr, credential := "local", dialect.Credential(c)
	if a := dialect.ClientAddr(c); a.IsValid() {
		addr = a.String()
	} else if credential == "" {
		// A unix socket's permissions are its clients' credential
		// (Artica's socket).
		credential = "socket"
	}
	s.recorder.Observe(console.Observation{
		Dialect: dialectName, Endpoint: route, Credential: credential,
		Status: c.Response().Status, Latency: elapsed,
		Address: addr, UserAgent: c.Request().UserAgent(),
	})
}
