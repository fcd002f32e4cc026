package artica

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
)

// reconnectTimeout bounds a background reconnect.
const reconnectTimeout = 30 * time.Second

// ping answers GET /ping with Status and Version.
func (d *Dialect) ping(c echo.Context) error {
	return d.done(c, "")
}

// status is the Data of GET /openldap/status.
type status struct {
	Reachable bool    `json:"reachable"`
	Backend   string  `json:"backend"`
	Server    string  `json:"server"`
	LatencyMS float64 `json:"latency_ms"`
	Users     int     `json:"users"`
	Groups    int     `json:"groups"`
	// Organizations are the configured organizations.
	Organizations []string `json:"organizations"`
}

// status answers GET /openldap/status: the directory's health through the
// core, and how many users and groups it holds.
func (d *Dialect) status(c echo.Context) error {
	ctx := c.Request().Context()
	h, err := d.domain.Health(ctx)
	if err != nil {
		return d.failErr(c, "directory", err)
	}
	users, groups, err := d.domain.Count(ctx, d.serviceCaller(c))
	if err != nil {
		return d.failErr(c, "directory", err)
	}
	orgs := make([]string, 0, len(d.orgs))
	for _, org := range d.orgs {
		orgs = append(orgs, org.Name)
	}
	return d.data(c, status{
		Reachable:     true,
		Backend:       h.Backend,
		Server:        h.Server,
		LatencyMS:     float64(h.Latency.Microseconds()) / 1000,
		Users:         users,
		Groups:        groups,
		Organizations: orgs,
	})
}

// restart answers GET /openldap/restart: Artica restarts slapd; dirgate,
// which does not run the directory server, drops and re-establishes its
// connections to it, in the background as Artica's restart is.
func (d *Dialect) restart(c echo.Context) error {
	if _, readOnly := callerOf(c); readOnly {
		return fail(c, "permission denied: a read-only key cannot restart the service")
	}
	caller := d.serviceCaller(c)
	started := d.background(func(ctx context.Context) {
		ctx, cancel := context.WithTimeout(ctx, reconnectTimeout)
		defer cancel()
		if err := d.domain.Reconnect(ctx, caller); err != nil {
			d.log.Error("artica restart: reconnecting to the directory failed",
				"request_id", caller.RequestID, "error", err)
			return
		}
		d.log.Info("artica restart: reconnected to the directory", "request_id", caller.RequestID)
	})
	if !started {
		return fail(c, "the service is shutting down")
	}
	return d.done(c, "reconnecting to the directory in the background")
}

// notManagedMessage is the answer of install and uninstall.
const notManagedMessage = "not supported: dirgate does not manage the directory server"

// notManaged answers GET /openldap/install and /openldap/uninstall.
func (d *Dialect) notManaged(c echo.Context) error {
	return fail(c, notManagedMessage)
}

// unknownEndpoint answers any other /openldap path in Artica's envelope.
func (d *Dialect) unknownEndpoint(c echo.Context) error {
	dialect.SetRoute(c, "/openldap/*")
	return fail(c, "unknown endpoint "+c.Request().Method+" "+truncate(c.Request().URL.Path, 200))
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
