package console

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
)

// migrationView is the migration page's table and chart.
type migrationView struct {
	Window      Window
	Windows     []Window
	Period      string
	RetireAfter string
	MaxClients  int
	Dialects    []Retirement
	Rows        []Row
}

func (con *Console) migrationData(c echo.Context) migrationView {
	w := ParseWindow(c.QueryParam("window"))
	v := migrationView{
		Window: w, Windows: []Window{Hour, Day, Week}, Period: "hour",
		RetireAfter: roundDuration(con.o.RetireAfter), MaxClients: con.o.Recorder.max,
		Dialects: con.o.Recorder.Dialects(con.o.Dialects, con.o.RetireAfter),
		Rows:     con.o.Recorder.Rows(w),
	}
	if w == Hour {
		v.Period = "5 minutes"
	}
	return v
}

// clientReady: the row's client (its credential, on any endpoint of the
// dialect) has been silent for the retirement age.
func (con *Console) clientReady(r Row) bool {
	return !r.ClientLastSeen.IsZero() && time.Since(r.ClientLastSeen) >= con.o.RetireAfter
}

func (con *Console) migration(c echo.Context) error {
	return con.render(c, http.StatusOK, "migration", con.migrationData(c))
}

func (con *Console) migrationTable(c echo.Context) error {
	return con.fragment(c, "migration", "table", con.migrationData(c))
}

func (con *Console) migrationChart(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, con.o.Recorder.Chart(ParseWindow(c.QueryParam("window"))))
}

// domainHealth is one row of the health view.
type domainHealth struct {
	Name, Backend, Server string
	Latency               time.Duration
	OK                    bool
	LastError             *DirectoryError
	Connections           []directory.PoolConnections
	ReadModel             *directory.ReadModelHealth
}

type healthView struct {
	Domains            []domainHealth
	Version, GoVersion string
	Uptime, Started    string
	Goroutines         int
	HeapMiB, SysMiB    string
	Series, MaxClients int
}

// healthTimeout bounds each domain's check, as /readyz does.
const healthTimeout = time.Second

func (con *Console) health(c echo.Context) error {
	v := healthView{
		Version: con.o.Version, GoVersion: runtime.Version(), Goroutines: runtime.NumGoroutine(),
		Uptime: roundDuration(time.Since(con.o.Started)), Started: con.o.Started.UTC().Format(time.RFC3339),
		Series: con.o.Recorder.Len(), MaxClients: con.o.Recorder.max,
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	v.HeapMiB, v.SysMiB = mib(ms.HeapInuse), mib(ms.Sys)
	for _, d := range con.o.Core.Domains() {
		ctx, cancel := context.WithTimeout(c.Request().Context(), healthTimeout)
		h, err := d.Health(ctx)
		cancel()
		row := domainHealth{Name: d.Name(), Backend: h.Backend, Server: h.Server, Latency: h.Latency, OK: err == nil,
			Connections: h.Connections, ReadModel: h.ReadModel}
		if err != nil {
			// The diagnostic goes to the log, as for /readyz.
			con.o.Log.Warn("console: directory does not answer", "domain", d.Name(), "error", err)
		}
		if con.o.DirectoryErrors != nil {
			if e, ok := con.o.DirectoryErrors(d.Name()); ok {
				row.LastError = &e
			}
		}
		v.Domains = append(v.Domains, row)
	}
	return con.render(c, http.StatusOK, "health", v)
}

func mib(b uint64) string { return fmt.Sprintf("%.1f", float64(b)/(1<<20)) }

// auditView is the audit page's search and results.
type auditView struct {
	Query        AuditQuery
	Since, Until string
	Capacity     int
	Events       any
}

// datetimeLocal is the format of an <input type="datetime-local">, read
// as UTC.
const datetimeLocal = "2006-01-02T15:04"

func (con *Console) auditData(c echo.Context) auditView {
	q := AuditQuery{Actor: c.QueryParam("actor"), Target: c.QueryParam("target")}
	v := auditView{Since: c.QueryParam("since"), Until: c.QueryParam("until"), Capacity: len(con.o.Audit.events)}
	if t, err := time.Parse(datetimeLocal, v.Since); err == nil {
		q.Since = t
	}
	if t, err := time.Parse(datetimeLocal, v.Until); err == nil {
		q.Until = t.Add(time.Minute - time.Nanosecond) // the whole minute named
	}
	v.Query, v.Events = q, con.o.Audit.Search(q)
	return v
}

func (con *Console) audit(c echo.Context) error {
	return con.render(c, http.StatusOK, "audit", con.auditData(c))
}

func (con *Console) auditResults(c echo.Context) error {
	return con.fragment(c, "audit", "results", con.auditData(c))
}
