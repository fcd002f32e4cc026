package console

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

// TestAPIDocsServesEveryDocument: /api/docs offers every dialect's
// document in its selector, in the given order, and serves each one with
// that dialect's prefix as its only server, so "Try it out" calls this
// server where the dialect is mounted.
func TestAPIDocsServesEveryDocument(t *testing.T) {
	con, err := New(Options{APIDocuments: []APIDocument{
		{Dialect: "openapi", Prefix: "/rest", Document: []byte(`{"openapi": "3.0.3", "info": {"title": "Users <&> groups"}, "servers": [{"url": "/api"}], "paths": {}}`)},
		{Dialect: "scim", Prefix: "/scim/v2", Document: []byte(`{"openapi": "3.0.3", "info": {"title": "SCIM 2.0"}, "paths": {"/Users": {}}}`)},
	}})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	con.Mount(e)
	get := func(path string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		return rec
	}

	page := get("/api/docs/")
	body := page.Body.String()
	openapi, scim := strings.Index(body, `<option value="/api/docs/openapi.json">Users &lt;&amp;&gt; groups</option>`),
		strings.Index(body, `<option value="/api/docs/scim.json">SCIM 2.0</option>`)
	if page.Code != http.StatusOK || openapi < 0 || scim < openapi || !strings.Contains(body, `data-url="/api/docs/openapi.json"`) {
		t.Errorf("GET /api/docs/ = %d; want a selector of both documents, the first shown:\n%s", page.Code, body)
	}
	if csp := page.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("the page's CSP is %q", csp)
	}

	for path, want := range map[string]string{"/api/docs/openapi.json": "/rest", "/api/docs/scim.json": "/scim/v2"} {
		rec := get(path)
		var doc struct {
			Servers []struct{ URL string } `json:"servers"`
			Paths   map[string]any         `json:"paths"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("GET %s = %d %s (%v)", path, rec.Code, rec.Body, err)
		}
		if len(doc.Servers) != 1 || doc.Servers[0].URL != want {
			t.Errorf("GET %s: servers %+v, want only %s", path, doc.Servers, want)
		}
	}
	if rec := get("/api/docs/other.json"); rec.Code == http.StatusOK {
		t.Errorf("GET /api/docs/other.json = 200 for a dialect without a document")
	}
}

// TestAPIDocsOneDocumentHasNoSelector: with one document the page shows
// it alone.
func TestAPIDocsOneDocumentHasNoSelector(t *testing.T) {
	con, err := New(Options{APIDocuments: []APIDocument{{Dialect: "scim", Prefix: "/scim/v2", Document: []byte(`{"openapi": "3.0.3"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	e := echo.New()
	con.Mount(e)
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/docs/", nil))
	if body := rec.Body.String(); strings.Contains(body, "<select") || !strings.Contains(body, `data-url="/api/docs/scim.json"`) {
		t.Errorf("GET /api/docs/ with one document:\n%s", body)
	}
}

// TestAPIDocsRefusesBadDocuments: a document that is not JSON, or a
// dialect name that would not fit a path unescaped, stops the console
// from starting rather than serving a broken page.
func TestAPIDocsRefusesBadDocuments(t *testing.T) {
	for _, d := range []APIDocument{
		{Dialect: "scim", Document: []byte(`not json`)},
		{Dialect: "../x", Document: []byte(`{}`)},
		{Dialect: "", Document: []byte(`{}`)},
	} {
		if _, err := New(Options{APIDocuments: []APIDocument{d}}); err == nil {
			t.Errorf("New accepted the document of %q: %s", d.Dialect, d.Document)
		}
	}
}
