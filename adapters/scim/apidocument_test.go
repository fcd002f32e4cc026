package scim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
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
	"github.com/dirgate/dirgate/internal/testenv/inproc"
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

// TestDocumentAcceptsWhatClientsSend: the requests of the dialect's guide
// (docs/dialects/scim.md: Entra ID's and Okta's spellings included) are
// valid against the document, parameters, headers and bodies, and
// succeed; the document is not stricter than the dialect.
func TestDocumentAcceptsWhatClientsSend(t *testing.T) {
	h := newHarness(t)
	router, err := apiDocument()
	if err != nil {
		t.Fatal(err)
	}
	do := func(method, path, body string, status int, headers ...string) answer {
		t.Helper()
		req := httptest.NewRequest(method, DefaultPrefix+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+h.admin)
		if body != "" {
			req.Header.Set("Content-Type", mediaType)
		}
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		routed := req.Clone(context.Background())
		routed.URL.Scheme, routed.URL.Host = "http", req.Host
		routed.Body = io.NopCloser(strings.NewReader(body))
		route, params, err := router.FindRoute(routed)
		if err != nil {
			t.Fatalf("%s %s: not in the document: %v", method, path, err)
		}
		in := &openapi3filter.RequestValidationInput{Request: routed, PathParams: params, Route: route,
			Options: &openapi3filter.Options{MultiError: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			t.Errorf("%s %s: the request does not match the OpenAPI document: %v\nbody: %s", method, path, err, body)
		}
		w := inproc.Serve(h.e, req)
		a := answer{status: w.Code, header: w.Header(), raw: w.Body.String()}
		checkAnswer(t, req, a)
		if a.status != status {
			t.Fatalf("%s %s: %d, want %d: %s", method, path, a.status, status, a.raw)
		}
		return a
	}

	do(http.MethodGet, "/ServiceProviderConfig", "", http.StatusOK)
	do(http.MethodGet, "/Schemas/"+urnEnterprise, "", http.StatusOK)
	do(http.MethodGet, "/Users?"+url.Values{"filter": {`userName eq "bjensen"`}}.Encode(), "", http.StatusOK)
	created := do(http.MethodPost, "/Users", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"userName": "bjensen", "externalId": "701984",
		"name": {"givenName": "Barbara", "familyName": "Jensen"},
		"displayName": "Babs Jensen", "title": "Tour Guide", "password": "Bjensen-pw-2026",
		"emails": [{"value": "bjensen@example.com", "type": "work", "primary": true}],
		"phoneNumbers": [{"value": "+1 555 555 5555", "type": "work"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"employeeNumber": "701984", "department": "Tours"}}`, http.StatusCreated)
	user := created.doc(t)
	id, version := user["id"].(string), created.header.Get("ETag")
	do(http.MethodGet, "/Users?"+url.Values{"filter": {`emails[type eq "work" and value co "@example.com"] and not (active eq false)`},
		"attributes": {"userName,emails"}, "sortBy": {"userName"}, "sortOrder": {"descending"}, "startIndex": {"1"}, "count": {"10"}}.Encode(), "", http.StatusOK)
	do(http.MethodPost, "/Users/.search", `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
		"filter": "name.familyName sw \"Jen\"", "excludedAttributes": ["emails"], "count": 5}`, http.StatusOK)
	do(http.MethodGet, "/Users/"+id, "", http.StatusNotModified, "If-None-Match", version)
	do(http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [
		{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "babs@example.com"},
		{"op": "Replace", "path": "active", "value": "False"}]}`, http.StatusOK, "If-Match", version)
	do(http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "value": {"active": true, "title": "Senior Guide"}}]}`, http.StatusOK)
	do(http.MethodPut, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "bjensen", "active": true}`, http.StatusOK)

	group := do(http.MethodPost, "/Groups", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Tour Guides"}`, http.StatusCreated).doc(t)
	gid := group["id"].(string)
	do(http.MethodPatch, "/Groups/"+gid, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Add", "path": "members", "value": [{"value": "`+id+`"}]}]}`, http.StatusNoContent)
	do(http.MethodPatch, "/Groups/"+gid+"?attributes=members", `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "remove", "path": "members[value eq \"`+id+`\"]"}]}`, http.StatusOK)
	do(http.MethodGet, "/Groups?"+url.Values{"filter": {`displayName eq "Tour Guides"`}, "excludedAttributes": {"members"}}.Encode(), "", http.StatusOK)
	do(http.MethodPut, "/Groups/"+gid, `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Guides", "members": [{"value": "`+id+`"}]}`, http.StatusOK)
	do(http.MethodDelete, "/Groups/"+gid, "", http.StatusNoContent)
	do(http.MethodDelete, "/Users/"+id, "", http.StatusNoContent)
}
