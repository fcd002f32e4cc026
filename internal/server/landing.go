package server

import (
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/console"
	"github.com/dirgate/dirgate/internal/dialect"
)

// DocsURL is where a person who reached a listener by hand finds the
// documentation: the landing answer and every unknown path point there.
const DocsURL = "https://github.com/dirgate/dirgate/tree/main/docs"

// dialectDocsURL is the page of one dialect.
func dialectDocsURL(name string) string {
	return strings.Replace(DocsURL, "/tree/", "/blob/", 1) + "/dialects/" + name + ".md"
}

// served is one dialect mounted on a listener, as the landing lists it.
type served struct {
	Dialect string   `json:"dialect"`
	Paths   []string `json:"paths"`
	Docs    string   `json:"docs"`
}

// landing is the answer to GET /: what this listener serves.
type landing struct {
	Name     string   `json:"name"`
	Dialects []served `json:"dialects"`
	Health   string   `json:"health,omitempty"`
	Docs     string   `json:"docs"`
	// Console, APIDocs and Metrics are there when the console is enabled
	// (main listener).
	Console string `json:"console,omitempty"`
	APIDocs string `json:"apiDocs,omitempty"`
	Metrics string `json:"metrics,omitempty"`
}

// noteServed records the top-level paths a dialect took on this listener:
// its prefix, or the first segment of each of its routes when it is
// mounted at the root.
func (ep *endpoint) noteServed(name, prefix string, paths []string) {
	s := served{Dialect: name, Docs: dialectDocsURL(name)}
	if prefix != "" {
		s.Paths = []string{prefix}
	} else {
		for _, p := range paths {
			first, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
			if first != "" && first != "*" && !slices.Contains(s.Paths, "/"+first) {
				s.Paths = append(s.Paths, "/"+first)
			}
		}
		slices.Sort(s.Paths)
	}
	ep.served = append(ep.served, s)
}

// mountLanding answers GET / with the dialects of this listener — JSON, or
// a small page for a browser — and every path no route takes with a
// neutral JSON 404 that points to / and the documentation, instead of
// echo's bare {"message":"Not Found"}. A dialect's own catch-all under its
// prefix (Artica's, OpenAPI's) still answers in the dialect's envelope,
// and a dialect that took the root keeps it.
func (ep *endpoint) mountLanding(health bool) {
	for _, r := range ep.echo.Routes() {
		if r.Path == "/" || r.Path == "/*" {
			return // a dialect mounted at the root answers everything itself
		}
	}
	ep.echo.GET("/", func(c echo.Context) error {
		l := landing{Name: "dirgate", Dialects: ep.served, Docs: DocsURL}
		if health {
			l.Health = "/healthz"
		}
		if ep.consoleLinks {
			l.Console, l.Metrics = console.PathConsole, "/metrics"
		}
		if ep.apiDocs {
			l.APIDocs = console.PathAPIDocs + "/"
		}
		if prefersHTML(c.Request()) {
			var b strings.Builder
			if err := landingPage.Execute(&b, l); err != nil {
				return err
			}
			return c.HTML(http.StatusOK, b.String())
		}
		return c.JSON(http.StatusOK, l)
	})
	ep.echo.RouteNotFound("/*", func(c echo.Context) error {
		dialect.SetRoute(c, "unmatched") // one metrics label for every stray path
		return c.JSON(http.StatusNotFound, map[string]string{
			"error":   "not found",
			"message": "no endpoint at this path: GET / lists what this listener serves",
			"docs":    DocsURL,
		})
	})
	// A stray path is counted under the dialect whose prefix it is in, as
	// before: only / is the server's own.
	ep.routes.byPath["/"] = "server"
}

// prefersHTML: a browser asks for text/html first; API clients and curl
// do not.
func prefersHTML(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get(echo.HeaderAccept), ",") {
		mt, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(mt) {
		case "text/html", "application/xhtml+xml":
			return true
		case "application/json", "*/*":
			return false
		}
	}
	return false
}

var landingPage = template.Must(template.New("landing").Parse(`<!doctype html>
<html lang="en"><meta charset="utf-8"><title>dirgate</title>
<h1>dirgate</h1>
<p>This listener serves:</p>
<ul>{{range .Dialects}}
<li><a href="{{.Docs}}">{{.Dialect}}</a>:{{range .Paths}} <code>{{.}}</code>{{end}}</li>{{end}}
</ul>{{if .Console}}
<p><a href="{{.Console}}">Web console</a> (administrators){{if .APIDocs}} · <a href="{{.APIDocs}}">API reference</a>{{end}} · <a href="{{.Metrics}}">Prometheus metrics</a></p>{{end}}{{if .Health}}
<p>Health: <code>{{.Health}}</code></p>{{end}}
<p><a href="{{.Docs}}">Documentation</a></p>
</html>
`))
