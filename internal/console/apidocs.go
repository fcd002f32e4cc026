package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"

	"github.com/labstack/echo/v4"
)

// APIDocument is one dialect's OpenAPI document for /api/docs.
type APIDocument struct {
	// Dialect names it: the page serves it at /api/docs/<Dialect>.json.
	Dialect string
	// Document is the OpenAPI document the dialect describes itself with.
	Document []byte
	// Prefix is the dialect's configured prefix, which becomes the
	// document's server.
	Prefix string
}

// servedDocument is a document as /api/docs serves it: its title for
// the page's selector, its URL, and the document with this server's
// prefix.
type servedDocument struct {
	Title, URL string
	body       []byte
}

// documentName keeps a dialect's name usable, unescaped, in a path.
var documentName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// serveDocument makes d's served form: the dialect's document with the
// dialect's configured prefix as its only server, so "Try it out" calls
// this same server where the dialect really is.
func serveDocument(d APIDocument) (servedDocument, error) {
	if !documentName.MatchString(d.Dialect) {
		return servedDocument{}, fmt.Errorf("console: API document of dialect %q: the name does not fit a path", d.Dialect)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(d.Document, &m); err != nil {
		return servedDocument{}, fmt.Errorf("console: the OpenAPI document of %s: %w", d.Dialect, err)
	}
	var info struct {
		Title string `json:"title"`
	}
	if raw, ok := m["info"]; ok {
		if err := json.Unmarshal(raw, &info); err != nil {
			return servedDocument{}, fmt.Errorf("console: the OpenAPI document of %s: info: %w", d.Dialect, err)
		}
	}
	if info.Title == "" {
		info.Title = d.Dialect
	}
	prefix := d.Prefix
	if prefix == "" {
		prefix = "/"
	}
	servers, err := json.Marshal([]map[string]string{{"url": prefix, "description": "this dirgate"}})
	if err != nil {
		return servedDocument{}, err
	}
	m["servers"] = servers
	body, err := json.Marshal(m)
	if err != nil {
		return servedDocument{}, err
	}
	return servedDocument{Title: info.Title, URL: PathAPIDocs + "/" + d.Dialect + ".json", body: body}, nil
}

// apiDocs is Swagger UI over the documents, with a selector when there
// are several; apidocs.js starts it (no inline script).
func (con *Console) apiDocs(c echo.Context) error {
	return con.write(c, http.StatusOK, con.pages["apidocs"], "apidocs", con.documents)
}

func (con *Console) apiDocument(d servedDocument) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-cache")
		return c.JSONBlob(http.StatusOK, d.body)
	}
}
