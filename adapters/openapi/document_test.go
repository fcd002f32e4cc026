package openapi

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
)

func TestServedDocument(t *testing.T) {
	h := newHarness(t)
	r := h.anon.Get("/openapi.json")
	expect(t, r, http.StatusOK)
	m := r.Map(t)
	servers := m["servers"].([]any)
	if len(servers) != 1 || servers[0].(map[string]any)["url"] != DefaultPrefix {
		t.Fatalf("servers %v", servers)
	}
}

var pathParam = regexp.MustCompile(`:([A-Za-z]+)`)

// TestDocumentCoversEveryRoute: every route the dialect serves is an
// operation of the document, and every operation a route.
func TestDocumentCoversEveryRoute(t *testing.T) {
	doc, err := openapitest.Document()
	if err != nil {
		t.Fatal(err)
	}
	d := &Dialect{}
	var served []string
	for _, r := range d.routes() {
		served = append(served, r.method+" "+pathParam.ReplaceAllString(r.path, "{$1}"))
	}
	var documented []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented = append(documented, method+" "+path)
		}
	}
	slices.Sort(served)
	slices.Sort(documented)
	if !slices.Equal(served, documented) {
		t.Fatalf("routes and document differ:\nserved     %v\ndocumented %v", served, documented)
	}
}

// TestDocumentListsEveryFilter: the filter parameters of the query
// endpoints are exactly the fields and operators the dialect compiles.
func TestDocumentListsEveryFilter(t *testing.T) {
	doc, err := openapitest.Document()
	if err != nil {
		t.Fatal(err)
	}
	for path, accepted := range map[string][]string{
		"/users":      filterParams(users.filters),
		"/groups":     filterParams(groups.filters),
		"/principals": filterParams(principalFilterTable),
	} {
		var documented []string
		for _, p := range doc.Paths.Value(path).Get.Parameters {
			if strings.HasPrefix(p.Value.Name, "filter[") {
				documented = append(documented, p.Value.Name)
			}
		}
		slices.Sort(documented)
		if !slices.Equal(accepted, documented) {
			t.Errorf("GET %s: accepted filters and documented ones differ:\naccepted   %v\ndocumented %v", path, accepted, documented)
		}
	}
}

func filterParams[C any](t filterTable[C]) []string {
	var out []string
	for field, ops := range t {
		for op := range ops {
			out = append(out, param(field, op))
		}
	}
	slices.Sort(out)
	return out
}
