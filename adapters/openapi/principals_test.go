package openapi

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/pkg/directory"
)

func principalFixture(t *testing.T, h *harness) (ids map[string]string) {
	t.Helper()
	ids = map[string]string{}
	for _, u := range []directory.NewUser{
		{Username: "ann", DisplayName: "Anna", ExternalID: "ext-ann"},
		{Username: "cal", DisplayName: "Carl", System: true},
		{Username: "eve", DisplayName: "Eve"},
	} {
		ids[u.Username] = h.seedUser(u).ID
	}
	for _, g := range []directory.NewGroup{{Name: "bees"}, {Name: "dogs", ExternalID: "ext-dogs"}, {Name: "frogs"}} {
		created, err := h.domain.CreateGroup(t.Context(), setupCaller, g)
		if err != nil {
			t.Fatal(err)
		}
		ids[g.Name] = created.ID
	}
	return ids
}

func TestPrincipalsMixUsersAndGroups(t *testing.T) {
	h := newHarness(t)
	ids := principalFixture(t, h)

	unsorted := []string{"admin", "ann", "cal", "eve", "bees", "dirgate-admins", "dogs", "frogs"}
	sorted := []string{"admin", "ann", "bees", "cal", "dirgate-admins", "dogs", "eve", "frogs"}
	descending := slices.Clone(sorted)
	slices.Reverse(descending)

	all := h.admin.Get("/principals")
	expect(t, all, http.StatusOK)
	if got := names(t, all, "name"); !slices.Equal(got, unsorted) {
		t.Fatalf("principals %v, want %v", got, unsorted)
	}
	var list struct {
		TotalCount int              `json:"totalCount"`
		Data       []map[string]any `json:"data"`
	}
	all.Decode(t, &list)
	if list.TotalCount != 8 {
		t.Fatalf("totalCount %d", list.TotalCount)
	}
	for _, p := range list.Data {
		wantType := "User"
		if slices.Index(unsorted, p["name"].(string)) >= 4 {
			wantType = "Group"
		}
		if p["_type"] != wantType || p["_id"] != idOf(h, ids, p["name"].(string)) {
			t.Errorf("principal %v", p)
		}
		if p["name"] == "ann" && (p["displayName"] != "Anna" || p["external"] != true || p["system"] != false) {
			t.Errorf("ann %v", p)
		}
		if p["name"] == "cal" && p["system"] != true {
			t.Errorf("cal %v", p)
		}
		if p["name"] == "dogs" && (p["displayName"] != "dogs" || p["external"] != true) {
			t.Errorf("dogs %v", p)
		}
	}

	// Every page of every size, in both orders, is the matching slice of
	// the whole list: each principal exactly once.
	for _, tc := range []struct {
		sort string
		want []string
	}{{"", unsorted}, {"displayName", sorted}, {"-displayName", descending}} {
		for limit := 1; limit <= 5; limit++ {
			for offset := 0; offset <= 9; offset++ {
				q := fmt.Sprintf("/principals?page[offset]=%d&page[limit]=%d", offset, limit)
				if tc.sort != "" {
					q += "&sort=" + tc.sort
				}
				r := h.admin.Get(q)
				expect(t, r, http.StatusOK)
				want := tc.want[min(offset, len(tc.want)):min(offset+limit, len(tc.want))]
				if got := names(t, r, "name"); !slices.Equal(got, want) {
					t.Fatalf("%s: %v, want %v", q, got, want)
				}
				if total := r.Map(t)["totalCount"]; total != float64(8) {
					t.Fatalf("%s: totalCount %v", q, total)
				}
			}
		}
	}

	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"filter[_type][EQ]=User", []string{"admin", "ann", "cal", "eve"}},
		{"filter[_type][EQ]=Group&sort=-displayName", []string{"frogs", "dogs", "dirgate-admins", "bees"}},
		{"filter[_type][EQ]=User&sort=-displayName&page[offset]=1&page[limit]=2", []string{"cal", "ann"}},
		{"filter[displayName][SW]=d", []string{"dirgate-admins", "dogs"}},
		{"filter[displayName][CO]=e&sort=displayName", []string{"bees", "dirgate-admins", "eve"}},
		{"filter[displayName][EQ]=carl", []string{"cal"}},
		{"filter[name][IN]=eve,frogs", []string{"eve", "frogs"}},
		{"filter[_id][IN]=" + ids["eve"] + "," + ids["bees"], []string{"eve", "bees"}},
		{"filter[_id][EQ]=" + ids["dogs"], []string{"dogs"}},
		{"filter[external][EQ]=true", []string{"ann", "dogs"}},
		{"filter[system][EQ]=true", []string{"cal"}},
		{"filter[deleted][EQ]=deletedOnly", []string{"bees", "dirgate-admins", "dogs", "frogs"}},
		{"filter[deleted][EQ]=notDeletedOnly&filter[_type][EQ]=User", []string{"admin", "ann", "cal", "eve"}},
		{"filter[_type][EQ]=User&filter[_type][EQ]=Group", nil},
	} {
		r := h.admin.Get("/principals?" + tc.query)
		if tc.want == nil {
			// Two values for one EQ is one condition given twice.
			r = h.admin.Do(http.MethodGet, "/principals?"+tc.query, openapitest.Request{Invalid: true})
			expect(t, r, http.StatusBadRequest, "takes one value")
			continue
		}
		expect(t, r, http.StatusOK)
		if got := names(t, r, "name"); !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.query, got, tc.want)
		}
		if total := r.Map(t)["totalCount"]; total != float64(len(tc.want)) && !strings.Contains(tc.query, "page[") {
			t.Errorf("%s: totalCount %v", tc.query, total)
		}
	}

	r := h.admin.Get("/principals?fields=_type,name&page[limit]=1")
	list.Data = nil
	r.Decode(t, &list)
	if len(list.Data[0]) != 2 || list.Data[0]["_type"] != "User" {
		t.Fatalf("fields: %s", r.Body)
	}
	for _, tc := range []struct{ query, want string }{
		{"sort=name", "cannot sort principals"},
		{"sort=displayName,-displayName", "one field"},
		{"filter[userName][EQ]=ann", `unknown filter field \"userName\"`},
		{"filter[_type][EQ]=Robot", "User or Group"},
		{"filter[external][PR]=true", `operator \"PR\" cannot be used on external`},
		{"sort=displayName&page[offset]=9500&page[limit]=1000", "10000 entries deep"},
	} {
		expect(t, h.admin.Do(http.MethodGet, "/principals?"+tc.query, openapitest.Request{Invalid: true}), http.StatusBadRequest, tc.want)
	}
}

func idOf(h *harness, ids map[string]string, name string) string {
	if id, ok := ids[name]; ok {
		return id
	}
	if name == testAdmin {
		return h.user(directory.ByName(testAdmin)).ID
	}
	return h.group(directory.ByName(name)).ID
}
