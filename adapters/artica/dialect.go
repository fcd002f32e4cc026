package artica

import (
	"context"
	"fmt"
	"log/slog"
	"net/netip"
	"path/filepath"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/version"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Dialect serves Artica's OpenLDAP REST API.
type Dialect struct {
	domain  *identity.Domain
	log     *slog.Logger
	version string

	orgs   []*organization // in configuration order
	byName map[string]*organization
	// subtrees are every organization's containers: the scope of member
	// and group calls, so the API never touches entries outside them.
	subtrees []string

	allow []netip.Prefix
	keys  []apiKey
	// socketRestore: socket callers hold the restore right.
	socketRestore bool

	backups  *backups
	schedule *scheduler

	// maxResults bounds the entries of one list answer.
	maxResults int

	// bg lives as long as the dialect: background work (restart, restore,
	// scheduled backups) runs on it and Close cancels and waits for it.
	bg        context.Context
	stop      context.CancelFunc
	wg        sync.WaitGroup
	closed    sync.Once
	autostart sync.Once
}

func newDialect(c *Config, deps dialect.Deps) (*Dialect, error) {
	if deps.Core == nil {
		return nil, fmt.Errorf("artica: no core service")
	}
	domain := deps.Core.Default()
	if c.Domain != "" {
		var err error
		if domain, err = deps.Core.Domain(c.Domain); err != nil {
			return nil, fmt.Errorf("artica: domain: %w", err)
		}
	}
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	d := &Dialect{
		domain:  domain,
		log:     log, // the server has named the dialect in it
		version: deps.Version,
		byName:  map[string]*organization{},
		// 0 is the default: a block written in code need not say it.
		maxResults: dialect.MaxResults(c.MaxResults),
	}
	if d.version == "" {
		d.version = version.Version
	}
	names := c.Organizations
	if len(names) == 0 {
		names = []string{domain.Name()}
	}
	layout := *c
	embedded := domain.Capabilities().Backend == embeddedBackend
	if embedded {
		if layout.UsersDN == DefaultUsersDN {
			layout.UsersDN = embeddedUsersDN
		}
		if layout.GroupsDN == DefaultGroupsDN {
			layout.GroupsDN = embeddedGroupsDN
		}
	}
	for _, name := range names {
		org, err := newOrganization(&layout, name, domain.BaseDN())
		if err == nil && embedded {
			err = onlyOUsBelow(domain.BaseDN(), org.UsersDN, org.GroupsDN)
		}
		if err != nil {
			return nil, fmt.Errorf("artica: organization %q: %w", name, err)
		}
		d.orgs = append(d.orgs, org)
		d.byName[strings.ToLower(name)] = org
		d.subtrees = append(d.subtrees, org.UsersDN, org.GroupsDN)
	}
	for _, cidr := range c.AllowFrom {
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return nil, fmt.Errorf("artica: allowFrom %q: %w", cidr, err)
		}
		d.allow = append(d.allow, p.Masked())
	}
	d.socketRestore = c.SocketRestore
	for _, k := range c.APIKeys {
		sum, err := k.digest()
		if err != nil {
			return nil, fmt.Errorf("artica: api key %q: %w", k.Name, err)
		}
		d.keys = append(d.keys, apiKey{name: k.Name, sum: sum, readOnly: k.ReadOnly, restore: k.Restore})
	}
	dir := c.Backup.Dir
	if dir == "" {
		dir = filepath.Join(deps.DataDir, "artica-backups")
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("artica: backup dir: %w", err)
	}
	d.backups = &backups{dir: dir, keep: c.Backup.Keep}
	d.bg, d.stop = context.WithCancel(context.Background())
	d.schedule = &scheduler{interval: c.Backup.Interval, daily: c.Backup.Daily}
	return d, nil
}

// Name is the dialect's name.
func (d *Dialect) Name() string { return Name }

// Mount registers the routes for one listener. A TCP listener first checks
// the client's address and API key; the unix socket's file permissions are
// its access control.
func (d *Dialect) Mount(g *echo.Group, on dialect.Listener) {
	// The guard goes on each route rather than on g: g may be the root of
	// a listener shared with other dialects, whose paths are not ours.
	var guard []echo.MiddlewareFunc
	if on.Network != "unix" {
		guard = append(guard, d.requireKey)
	}
	// Other methods on /ping get the envelope too, not echo's bare 405:
	// on the socket every answer is Artica's.
	g.Any("/ping", d.unknownEndpoint, guard...)
	g.GET("/ping", d.ping, guard...)
	api := g.Group("/openldap", guard...)
	api.POST("/members", d.createMember)
	api.GET("/members/:uid", d.getMember)
	api.PUT("/members/:uid", d.updateMember)
	api.DELETE("/members/:uid", d.deleteMember)
	api.POST("/members/:uid/password", d.setPassword)
	api.GET("/members/:uid/groups", d.memberGroups)
	api.GET("/groups", d.listGroups)
	api.POST("/groups", d.createGroup)
	api.POST("/groups/:gid/members/:uid", d.linkMember)
	api.DELETE("/groups/:gid/members/:uid", d.unlinkMember)
	api.GET("/ous", d.listOrganizations)
	api.GET("/status", d.status)
	api.GET("/restart", d.restart)
	api.GET("/install", d.notManaged)
	api.GET("/uninstall", d.notManaged)
	api.GET("/backup/now", d.backupNow)
	api.GET("/backup/instant", d.backupInstant)
	api.GET("/backup/import/:filename", d.backupImport)
	api.GET("/set/schedule", d.applySchedule)
	api.RouteNotFound("/*", d.unknownEndpoint)
	// A configured schedule runs from the first mount on, as Artica's
	// cron entry does once installed; /openldap/set/schedule re-applies it.
	d.autostart.Do(func() { d.schedule.start(d) })
}

// Close stops the backup schedule and waits for background work (a
// restart, a restore, a running backup) to end.
func (d *Dialect) Close() error {
	d.closed.Do(func() {
		d.stop()
		d.wg.Wait()
	})
	return nil
}

// background runs fn on the dialect's lifetime context, tracked by Close.
// It reports false when the dialect is closing.
func (d *Dialect) background(fn func(ctx context.Context)) bool {
	if d.bg.Err() != nil {
		return false
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		fn(d.bg)
	}()
	return true
}

// caller is who a request acts as on member and group calls: limited to
// the organizations' subtrees, and read-only for a read-only key.
func (d *Dialect) caller(c echo.Context) identity.Caller {
	name, readOnly := callerOf(c)
	return dialect.Caller(c, Name, name, identity.Scope{ReadOnly: readOnly, Subtrees: d.subtrees})
}

// serviceCaller acts on the whole directory (backups, restore, reconnect):
// the core refuses those to a scope limited to subtrees, and a restore to
// a caller without the restore right.
func (d *Dialect) serviceCaller(c echo.Context) identity.Caller {
	name, readOnly := callerOf(c)
	return dialect.Caller(c, Name, name, identity.Scope{ReadOnly: readOnly, Restore: d.mayRestore(c)})
}

var _ dialect.Dialect = (*Dialect)(nil)
