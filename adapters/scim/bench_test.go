package scim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
)

// BenchmarkLookup is Entra ID's and Okta's lookup, GET
// /Users?filter=userName eq "…", through the whole adapter on the
// embedded store: the adapter's share of a lookup's cost (the load tool
// measures it against slapd).
func BenchmarkLookup(b *testing.B) {
	h := newHarness(b)
	for i := range 100 {
		h.createUser(map[string]any{"userName": "bench" + strconv.Itoa(i), "displayName": "Bench", "title": "Clerk",
			"emails": []any{map[string]any{"value": "b@example.com"}}})
	}
	path := DefaultPrefix + "/Users?filter=" + url.QueryEscape(`userName eq "bench42"`)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+h.admin)
		w := inproc.Serve(h.e, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Body.String())
		}
	}
}

// BenchmarkPage is one page of 1,000 users of a listing, the adapter's
// share of walking the directory.
func BenchmarkPage(b *testing.B) {
	h := newHarness(b)
	for i := range 1000 {
		h.createUser(map[string]any{"userName": "page" + strconv.Itoa(i), "displayName": "Page", "title": "Clerk",
			"name":   map[string]any{"givenName": "P", "familyName": "Age"},
			"emails": []any{map[string]any{"value": "p@example.com"}}})
	}
	path := DefaultPrefix + "/Users?startIndex=1&count=1000"
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Header.Set("Authorization", "Bearer "+h.admin)
		w := inproc.Serve(h.e, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Body.String())
		}
	}
}
