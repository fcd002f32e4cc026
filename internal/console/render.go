package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
)

// page is what every console page's layout reads.
type page struct {
	Title, Active string
	Admin         *adminView
	CSRF          string
	Version       string
	Uptime        string
	Started       string
	Data          any
}

type adminView struct{ Username string }

var funcs = template.FuncMap{
	"ago": func(t time.Time) string {
		if t.IsZero() {
			return "never"
		}
		return roundDuration(time.Since(t)) + " ago"
	},
	"ms": func(d time.Duration) string {
		if d == 0 {
			return "–"
		}
		return fmt.Sprintf("%.3g ms", float64(d)/float64(time.Millisecond))
	},
}

// parsePages parses each page with the layout; fragments are templates
// defined inside the pages.
func parsePages(ready func(Row) bool) (map[string]*template.Template, error) {
	layout, err := template.New("").Funcs(funcs).Funcs(template.FuncMap{"ready": ready}).
		ParseFS(files, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if name == "layout" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(files, n)
		if err != nil {
			return nil, err
		}
		pages[name] = t
	}
	return pages, nil
}

// render writes a whole page.
func (con *Console) render(c echo.Context, status int, name string, data any) error {
	p := page{Title: name, Active: name, Version: con.o.Version, Data: data,
		Uptime: roundDuration(time.Since(con.o.Started)), Started: con.o.Started.UTC().Format("2006-01-02 15:04 UTC")}
	if a := adminOf(c); a != nil {
		p.Admin, p.CSRF = &adminView{Username: a.user.Username}, a.csrf
	}
	return con.write(c, status, con.pages[name], "layout", p)
}

// fragment writes one template of a page (an htmx swap).
func (con *Console) fragment(c echo.Context, pageName, name string, data any) error {
	return con.write(c, http.StatusOK, con.pages[pageName], name, data)
}

func (con *Console) write(c echo.Context, status int, t *template.Template, name string, data any) error {
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, name, data); err != nil {
		return fmt.Errorf("console: render %s: %w", name, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(status, b.Bytes())
}

// roundDuration shows a duration to its largest unit or two.
func roundDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return d.Round(time.Minute).String()
	case d < 48*time.Hour:
		return strings.TrimSuffix(d.Round(time.Minute).String(), "0s")
	case d%(24*time.Hour) < time.Hour:
		return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	default:
		return fmt.Sprintf("%dd%dh", int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour))
	}
}
