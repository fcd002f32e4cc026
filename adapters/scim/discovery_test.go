package scim

import (
	"net/http"
	"net/url"
	"testing"
)

// TestDiscovery: ServiceProviderConfig tells what is supported (patch,
// filter with maxResults, sort, etag, changePassword; bulk not), the
// resource types and schemas are listed and each is found by id.
func TestDiscovery(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxResults = 200; c.ChangePassword = false })
	a := h.call(http.MethodGet, "/ServiceProviderConfig", nil)
	expect(t, a, http.StatusOK)
	sp := a.doc(t)
	check := func(key string, want bool) {
		t.Helper()
		if got := sp[key].(map[string]any)["supported"]; got != want {
			t.Errorf("%s.supported = %v, want %v", key, got, want)
		}
	}
	check("patch", true)
	check("bulk", false)
	check("filter", true)
	check("sort", true)
	check("etag", true)
	check("changePassword", false)
	if sp["filter"].(map[string]any)["maxResults"] != float64(200) {
		t.Errorf("filter %v", sp["filter"])
	}
	rts := h.call(http.MethodGet, "/ResourceTypes", nil)
	expect(t, rts, http.StatusOK)
	if got := ids(t, rts); len(got) != 2 || got[0] != "User" || got[1] != "Group" {
		t.Fatalf("resource types %v", got)
	}
	expect(t, h.call(http.MethodGet, "/ResourceTypes/Group", nil), http.StatusOK)
	expect(t, h.call(http.MethodGet, "/ResourceTypes/Nope", nil), http.StatusNotFound)
	sch := h.call(http.MethodGet, "/Schemas", nil)
	expect(t, sch, http.StatusOK)
	if got := ids(t, sch); len(got) != 3 || got[0] != urnUser || got[1] != urnEnterprise || got[2] != urnGroup {
		t.Fatalf("schemas %v", got)
	}
	for _, id := range []string{urnUser, urnEnterprise, urnGroup} {
		expect(t, h.call(http.MethodGet, "/Schemas/"+url.PathEscape(id), nil), http.StatusOK)
	}
	// With changePassword off, a password is refused, not dropped.
	expect(t, h.call(http.MethodPost, "/Users", map[string]any{"schemas": []string{urnUser}, "userName": "p", "password": goodPass}),
		http.StatusBadRequest, typeMutability)
}

// TestEnvelopeEverywhere: unknown paths, wrong methods, bodies that are
// not JSON and bulk are answered in the SCIM error envelope.
func TestEnvelopeEverywhere(t *testing.T) {
	h := newHarness(t)
	expect(t, h.call(http.MethodGet, "/Nope", nil), http.StatusNotFound)
	a := h.call(http.MethodDelete, "/Users", nil)
	expect(t, a, http.StatusMethodNotAllowed)
	if a.header.Get("Allow") != "GET, POST" {
		t.Fatalf("Allow %q", a.header.Get("Allow"))
	}
	expect(t, h.call(http.MethodPost, "/Users", "{not json"), http.StatusBadRequest, typeInvalidSyntax)
	expect(t, h.call(http.MethodPost, "/Users", "[1]"), http.StatusBadRequest, typeInvalidSyntax)
	expect(t, h.call(http.MethodPost, "/Users", `{"userName": 5}`), http.StatusBadRequest, typeInvalidValue)
	expect(t, h.call(http.MethodPost, "/Users", `{"displayName": "no name"}`), http.StatusBadRequest, typeInvalidValue)
	expect(t, h.call(http.MethodPost, "/Bulk", `{}`), http.StatusNotImplemented)
	expect(t, h.call(http.MethodGet, "/Users/no-such-id", nil), http.StatusNotFound)
}
