package openapi

import (
	"net/http"
	"slices"
	"testing"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/pkg/directory"
)

func TestGroupCRUD(t *testing.T) {
	h := newHarness(t)

	r := h.admin.Post("/groups", map[string]any{"name": "engineers", "externalId": "g-1", "_id": "ignored"})
	expect(t, r, http.StatusCreated)
	m := r.Map(t)
	g := h.group(directory.ByName("engineers"))
	if m["_id"] != g.ID || m["name"] != "engineers" || m["externalId"] != "g-1" || m["system"] != false || g.ExternalID != "g-1" || g.GIDNumber == 0 {
		t.Fatalf("created %v; directory %+v", m, g)
	}
	if r.Header.Get("Location") != "/api/groups/"+g.ID {
		t.Errorf("Location %q", r.Header.Get("Location"))
	}
	expect(t, h.admin.Post("/groups", map[string]any{"name": "engineers"}), http.StatusConflict, `a group named \"engineers\" already exists`)
	expect(t, h.admin.Do(http.MethodPost, "/groups", openapitest.Request{JSON: map[string]any{"externalId": "x"}, Invalid: true}), http.StatusBadRequest, "name is required")
	expect(t, h.admin.Do(http.MethodPost, "/groups", openapitest.Request{JSON: map[string]any{"name": "x", "members": []string{}}, Invalid: true}), http.StatusBadRequest, `unknown field \"members\" of group`)

	got := h.admin.Get("/groups/" + g.ID + "?fields=name").Map(t)
	if len(got) != 1 || got["name"] != "engineers" {
		t.Fatalf("fields=name: %v", got)
	}
	expect(t, h.admin.Get("/groups/00000000-0000-4000-8000-000000000000"), http.StatusNotFound)

	// PUT replaces the definition: externalId left out is cleared.
	r = h.admin.Put("/groups/"+g.ID, map[string]any{"name": "engineering", "system": true})
	expect(t, r, http.StatusOK)
	if m := r.Map(t); m["name"] != "engineering" || m["externalId"] != nil || m["system"] != true {
		t.Fatalf("after PUT %v", m)
	}
	if g2 := h.group(directory.ByID(g.ID)); g2.Name != "engineering" || g2.ExternalID != "" || !g2.System {
		t.Fatalf("directory %+v", g2)
	}
	expect(t, h.admin.Do(http.MethodPut, "/groups/"+g.ID, openapitest.Request{JSON: map[string]any{"system": false}, Invalid: true}), http.StatusBadRequest, "name is required")

	// A rename onto a taken name changes nothing.
	h.seedGroup("sales")
	expect(t, h.admin.Put("/groups/"+g.ID, map[string]any{"name": "sales", "externalId": "nope"}), http.StatusConflict, `a group named \"sales\" already exists`)
	if g2 := h.group(directory.ByID(g.ID)); g2.Name != "engineering" || g2.ExternalID != "" {
		t.Fatalf("a refused change was applied: %+v", g2)
	}

	// JSON Patch.
	r = h.admin.PatchJSON("/groups/"+g.ID, []map[string]any{
		{"op": "add", "path": "/externalId", "value": "g-2"},
		{"op": "replace", "path": "/name", "value": "eng"},
		{"op": "replace", "path": "/system", "value": false},
	})
	expect(t, r, http.StatusOK)
	if g2 := h.group(directory.ByID(g.ID)); g2.Name != "eng" || g2.ExternalID != "g-2" || g2.System {
		t.Fatalf("after patch %+v", g2)
	}
	r = h.admin.Do(http.MethodPatch, "/groups/"+g.ID, openapitest.Request{ContentType: mediaJSONPatch, Invalid: true, JSON: []map[string]any{
		{"op": "remove", "path": "/externalId"},
		{"op": "copy", "from": "/name", "path": "/externalId"},
	}})
	expect(t, r, http.StatusBadRequest, "not supported")
	if g2 := h.group(directory.ByID(g.ID)); g2.ExternalID != "g-2" {
		t.Fatalf("a refused patch changed the group: %+v", g2)
	}

	// Delete: system groups are refused until cleared.
	sys := h.admin.Post("/groups", map[string]any{"name": "builtin", "system": true}).Map(t)["_id"].(string)
	expect(t, h.admin.Delete("/groups/"+sys), http.StatusPreconditionFailed, "system group")
	expect(t, h.admin.Delete("/groups/"+g.ID), http.StatusNoContent)
	expect(t, h.admin.Get("/groups/"+g.ID), http.StatusNotFound)
	expect(t, h.admin.Delete("/groups/"+g.ID), http.StatusNotFound)
}

func TestGroupQueries(t *testing.T) {
	h := newHarness(t)
	for _, g := range []directory.NewGroup{
		{Name: "alpha-team", ExternalID: "x-1"},
		{Name: "beta-team"},
		{Name: "gamma", System: true},
	} {
		if _, err := h.domain.CreateGroup(t.Context(), setupCaller, g); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"", []string{"alpha-team", "beta-team", testAdminGroup, "gamma"}},
		{"sort=-name", []string{"gamma", testAdminGroup, "beta-team", "alpha-team"}},
		{"filter[name][CO]=team", []string{"alpha-team", "beta-team"}},
		{"filter[name][SW]=g", []string{"gamma"}},
		{"filter[name][EQ]=BETA-TEAM", []string{"beta-team"}},
		{"filter[name][IN]=gamma,alpha-team", []string{"alpha-team", "gamma"}},
		{"filter[externalId][PR]=true", []string{"alpha-team"}},
		{"filter[system][EQ]=true", []string{"gamma"}},
		{"filter[system][EQ]=false&filter[name][CO]=-&sort=-name", []string{"dirgate-admins", "beta-team", "alpha-team"}},
		{"page[offset]=1&page[limit]=2", []string{"beta-team", testAdminGroup}},
	} {
		r := h.admin.Get("/groups?" + tc.query)
		expect(t, r, http.StatusOK)
		if got := names(t, r, "name"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
	}
	expect(t, h.admin.Do(http.MethodGet, "/groups?filter[userName][EQ]=x", openapitest.Request{Invalid: true}), http.StatusBadRequest, `unknown filter field \"userName\"`)
	expect(t, h.admin.Do(http.MethodGet, "/groups?sort=displayName", openapitest.Request{Invalid: true}), http.StatusBadRequest, "cannot sort")
	if m := h.admin.Get("/groups?page[limit]=1").Map(t); m["totalCount"] != float64(4) {
		t.Fatalf("totalCount %v", m["totalCount"])
	}
}
