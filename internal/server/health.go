package server

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/dirgate/dirgate/pkg/identity"
)

// ReadyTimeout bounds one readiness check, so /readyz turns unready
// within two seconds of the directory going away, whatever the backend's
// own timeouts.
const ReadyTimeout = time.Second

// mountHealth adds /healthz, /readyz and /metrics to the main listener.
func (s *Server) mountHealth(ep *endpoint) {
	r := &readiness{core: s.core, log: s.log}
	ep.echo.GET("/healthz", func(c echo.Context) error {
		return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
	})
	ep.echo.GET("/readyz", r.handle)
	ep.echo.GET("/metrics", echo.WrapHandler(promhttp.HandlerFor(s.metrics.Registry, promhttp.HandlerOpts{})))
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		ep.routes.byPath[p] = "server"
	}
}

type readiness struct {
	core *identity.Service
	log  *slog.Logger
	// down remembers the last answer, so a lasting outage is logged once
	// and not at every probe.
	down atomic.Bool
}

// handle answers 200 when every domain's directory answers within
// ReadyTimeout, else 503. The body names the domain but not the backend's
// diagnostic, which goes to the log.
func (r *readiness) handle(c echo.Context) error {
	ctx, cancel := context.WithTimeout(c.Request().Context(), ReadyTimeout)
	defer cancel()
	for _, d := range r.core.Domains() {
		if _, err := d.Health(ctx); err != nil {
			if !r.down.Swap(true) {
				r.log.Warn("not ready: directory does not answer", "domain", d.Name(), "error", err)
			}
			return c.JSON(http.StatusServiceUnavailable, map[string]string{
				"status": "unavailable", "domain": d.Name(), "error": "directory does not answer",
			})
		}
	}
	if r.down.Swap(false) {
		r.log.Info("ready again: every directory answers")
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
