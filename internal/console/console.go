package console

import (
	"context"
	"embed"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"slices"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/identity"
)

//go:embed assets templates
var files embed.FS

// Options is what a Console is built from.
type Options struct {
	Core     *identity.Service
	Recorder *Recorder
	Audit    *AuditRing
	Log      *slog.Logger
	Version  string
	// Started is the process's start, for the uptime.
	Started time.Time

	SessionSecret   string
	SessionLifetime time.Duration
	// AdminGroups are the groups whose members may log in.
	AdminGroups []string
	RetireAfter time.Duration
	// Dialects are the enabled dialects, for the retirement table.
	Dialects []string
	// TrustedProxies are the peers whose X-Forwarded-Proto and
	// X-Forwarded-Host are believed.
	TrustedProxies []netip.Prefix
	// DirectoryErrors, when set, tells each domain's last directory error.
	DirectoryErrors func(domain string) (DirectoryError, bool)
	// APIDocuments are the OpenAPI documents /api/docs renders, one per
	// dialect that has one, in the order of the page's selector; none:
	// no /api/docs.
	APIDocuments []APIDocument
}

// DirectoryError is the last error of a domain's directory.
type DirectoryError struct {
	Time      time.Time
	Operation string
	// Kind is the port's sentinel (never the server's diagnostic).
	Kind string
}

// Console serves the console's routes.
type Console struct {
	o        Options
	sessions *sessions
	pages    map[string]*template.Template
	assets   fs.FS
	// paths are the routes Mount registered.
	paths []string
	// documents are APIDocuments as /api/docs serves them.
	documents []servedDocument
}

// New builds the console; nothing is served until Mount.
func New(o Options) (*Console, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Started.IsZero() {
		o.Started = time.Now()
	}
	con := &Console{o: o, sessions: newSessions(o.SessionSecret, o.SessionLifetime)}
	var err error
	if con.pages, err = parsePages(con.clientReady); err != nil {
		return nil, err
	}
	if con.assets, err = fs.Sub(files, "assets"); err != nil {
		return nil, err
	}
	for _, d := range o.APIDocuments {
		served, err := serveDocument(d)
		if err != nil {
			return nil, err
		}
		con.documents = append(con.documents, served)
	}
	return con, nil
}

// Paths are the top-level paths the console takes, for the landing page.
const (
	PathConsole = "/console/"
	PathAPIDocs = "/api/docs"
)

// Mount registers the console's routes on e (the main listener). Each
// route carries its middleware itself: a group with middleware would
// register not-found routes of its own, and a stray path under /console
// would miss the server's neutral 404.
func (con *Console) Mount(e *echo.Echo) {
	get := func(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
		e.GET(path, h, append([]echo.MiddlewareFunc{con.headers}, m...)...)
		con.paths = append(con.paths, path)
	}
	post := func(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
		e.POST(path, h, append([]echo.MiddlewareFunc{con.headers, con.sameOrigin}, m...)...)
		con.paths = append(con.paths, path)
	}
	get("/console", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, PathConsole) })
	get("/console/assets/*", con.asset)
	get("/console/login", con.loginPage)
	post("/console/login", con.login)
	post("/console/logout", con.logout, con.requireSession, con.requireCSRF)
	get("/console/", con.migration, con.requireSession)
	get("/console/migration/table", con.migrationTable, con.requireSession)
	get("/console/migration/chart.json", con.migrationChart, con.requireSession)
	get("/console/health", con.health, con.requireSession)
	get("/console/audit", con.audit, con.requireSession)
	get("/console/audit/results", con.auditResults, con.requireSession)
	if len(con.documents) > 0 {
		get(PathAPIDocs, func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, PathAPIDocs+"/") })
		get(PathAPIDocs+"/", con.apiDocs)
		for _, d := range con.documents {
			get(d.URL, con.apiDocument(d))
		}
	}
}

// Routes lists the route patterns Mount registered, for the server's
// route table (logs and metrics label them "console").
func (con *Console) Routes() []string { return slices.Clone(con.paths) }

// contentSecurityPolicy: only the console's own files run or style a
// page; nothing inline, no frames, forms post only here. data: images are
// Swagger UI's icons.
const contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// headers sets the console's security headers on every answer.
func (con *Console) headers(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		return next(c)
	}
}

// asset serves an embedded file; they change only with the binary, so a
// browser may keep them for an hour.
func (con *Console) asset(c echo.Context) error {
	name := c.Param("*")
	if st, err := fs.Stat(con.assets, name); err != nil || st.IsDir() {
		return c.String(http.StatusNotFound, "no such file")
	}
	c.Response().Header().Set("Cache-Control", "public, max-age=3600")
	http.ServeFileFS(c.Response(), c.Request(), con.assets, name)
	return nil
}

// ctx bounds the console's directory work per request.
func ctx(c echo.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(c.Request().Context(), 5*time.Second)
}
