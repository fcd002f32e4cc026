package scim

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/adapters/scim/spec"
)

// testOrigin is where the harness's requests go (httptest's Host).
const testOrigin = "http://example.com"

// apiDocument is the dialect's OpenAPI document, loaded and validated
// once, with a router over the harness's mount.
var apiDocument = sync.OnceValues(func() (routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec.Document)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, err
	}
	doc.Servers = openapi3.Servers{{URL: testOrigin + DefaultPrefix}}
	return legacy.NewRouter(doc)
})

// checkAnswer validates an answer against the document's operation for
// the request: every request of the dialect's tests goes through it (the
// harness's send), so the document's schemas, statuses and headers
// cannot drift from what the dialect answers. Requests the document has
// no operation for (unknown paths, methods a path does not serve) are
// left to the tests of the error envelope.
func checkAnswer(t testing.TB, req *http.Request, a answer) {
	t.Helper()
	router, err := apiDocument()
	if err != nil {
		t.Fatalf("the OpenAPI document: %v", err)
	}
	routed := req.Clone(context.Background())
	routed.URL.Scheme, routed.URL.Host = "http", req.Host
	route, params, err := router.FindRoute(routed)
	if err != nil {
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: routed, PathParams: params, Route: route},
		Status:                 a.status,
		Header:                 a.header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes([]byte(a.raw))
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: the %d answer does not match the OpenAPI document: %v\nbody: %s", req.Method, req.URL, a.status, err, a.raw)
	}
}

// TestDocumentListsEveryRoute: the routes the dialect mounts, as echo
// holds them, are exactly the document's operations. Mount registers
// every method on each path (to answer 405 in SCIM's envelope), so a
// route is one the dialect serves when an administrator's call to it is
// not 405.
func TestDocumentListsEveryRoute(t *testing.T) {
	h := newHarness(t)
	var mounted []string
	for _, r := range h.e.Routes() {
		path, ok := strings.CutPrefix(r.Path, DefaultPrefix)
		if !ok || r.Method == echo.RouteNotFound || path == "/*" {
			continue
		}
		concrete := strings.ReplaceAll(path, ":id", "no-such-id")
		if a := h.call(r.Method, concrete, nil); a.status == http.StatusMethodNotAllowed {
			continue
		}
		mounted = append(mounted, r.Method+" "+openAPIPath(path))
	}
	slices.Sort(mounted)
	mounted = slices.Compact(mounted)

	doc, err := openapi3.NewLoader().LoadFromData(spec.Document)
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(documented)

	if want := len((&Dialect{}).routes()); len(mounted) != want {
		t.Errorf("found %d mounted routes, want the dialect's %d: %v", len(mounted), want, mounted)
	}
	for _, m := range mounted {
		if !slices.Contains(documented, m) {
			t.Errorf("the dialect serves %s, which the document does not list", m)
		}
	}
	for _, d := range documented {
		if !slices.Contains(mounted, d) {
			t.Errorf("the document lists %s, which the dialect does not serve", d)
		}
	}
}

// openAPIPath writes echo's ":id" as OpenAPI's "{id}".
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if name, ok := strings.CutPrefix(s, ":"); ok {
			parts[i] = fmt.Sprintf("{%s}", name)
		}
	}
	return strings.Join(parts, "/")
}
