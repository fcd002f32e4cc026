package openapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/adapters/openapi/spec"
)

// documents caches the served document per mount prefix: its server URL
// is the prefix, so "Try it out" in a viewer reaches this server.
type documents struct{ byPrefix sync.Map }

// serveDocument answers GET <prefix>/openapi.json.
func (d *Dialect) serveDocument(c echo.Context) error {
	prefix := strings.TrimSuffix(c.Path(), "/openapi.json")
	body, err := d.documents.forPrefix(prefix)
	if err != nil {
		return err
	}
	return c.JSONBlob(http.StatusOK, body)
}

func (ds *documents) forPrefix(prefix string) ([]byte, error) {
	if body, ok := ds.byPrefix.Load(prefix); ok {
		return body.([]byte), nil
	}
	var doc map[string]any
	if err := json.Unmarshal(spec.Document, &doc); err != nil {
		return nil, fmt.Errorf("embedded OpenAPI document: %w", err)
	}
	doc["servers"] = []map[string]string{{"url": orDefault(prefix, "/")}}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("embedded OpenAPI document: %w", err)
	}
	ds.byPrefix.Store(prefix, body)
	return body, nil
}

// APIDocument is the OpenAPI document this dialect serves, for the
// console's /api/docs (dialect.Documented).
func (d *Dialect) APIDocument() []byte { return spec.Document }
