package openapi

import (
	"net/http"
	"slices"
	"testing"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/pkg/directory"
)

// nested builds company ⊃ engineering ⊃ backend, with uma in backend,
// vic in engineering and walt in company.
func nested(t *testing.T, h *harness) (users, groups map[string]string) {
	t.Helper()
	users, groups = map[string]string{}, map[string]string{}
	for _, n := range []string{"uma", "vic", "walt"} {
		users[n] = h.seedUser(directory.NewUser{Username: n, DisplayName: n + " display"}).ID
	}
	ref := func(kind directory.PrincipalType, id string) directory.PrincipalRef {
		return directory.PrincipalRef{Type: kind, Ref: directory.ByID(id)}
	}
	groups["backend"] = h.seedGroup("backend", ref(directory.PrincipalUser, users["uma"])).ID
	groups["engineering"] = h.seedGroup("engineering", ref(directory.PrincipalUser, users["vic"]), ref(directory.PrincipalGroup, groups["backend"])).ID
	groups["company"] = h.seedGroup("company", ref(directory.PrincipalUser, users["walt"]), ref(directory.PrincipalGroup, groups["engineering"])).ID
	return users, groups
}

type entry struct{ MembershipType, PrincipalType, ID, Name string }

func entries(t *testing.T, r *openapitest.Response) []entry {
	t.Helper()
	expect(t, r, http.StatusOK)
	var out []entry
	r.Decode(t, &out)
	return out
}

func TestNestedMembershipDirectAndIndirect(t *testing.T) {
	h := newHarness(t)
	if !h.dir.Capabilities().NestedGroups {
		t.Skip("the backend does not nest groups")
	}
	users, groups := nested(t, h)

	members := entries(t, h.admin.Get("/groups/"+groups["company"]+"/members"))
	want := []entry{
		{"indirect", "Group", groups["backend"], "backend"},
		{"direct", "Group", groups["engineering"], "engineering"},
		{"indirect", "User", users["uma"], "uma"},
		{"indirect", "User", users["vic"], "vic"},
		{"direct", "User", users["walt"], "walt"},
	}
	if !slices.Equal(members, want) {
		t.Fatalf("members of company:\n got %v\nwant %v", members, want)
	}
	direct := entries(t, h.admin.Get("/groups/"+groups["company"]+"/members?filter[membershipType][EQ]=direct"))
	if !slices.Equal(direct, []entry{want[1], want[4]}) {
		t.Fatalf("direct members %v", direct)
	}
	indirectUsers := entries(t, h.admin.Get("/groups/"+groups["company"]+"/members?filter[membershipType][EQ]=indirect&filter[principalType][EQ]=User"))
	if !slices.Equal(indirectUsers, []entry{want[2], want[3]}) {
		t.Fatalf("indirect users %v", indirectUsers)
	}

	umaGroups := entries(t, h.admin.Get("/users/"+users["uma"]+"/groups"))
	wantGroups := []entry{
		{"direct", "", groups["backend"], "backend"},
		{"indirect", "", groups["company"], "company"},
		{"indirect", "", groups["engineering"], "engineering"},
	}
	if !slices.Equal(umaGroups, wantGroups) {
		t.Fatalf("uma's groups %v", umaGroups)
	}
	if got := entries(t, h.admin.Get("/users/"+users["uma"]+"/groups?filter[membershipType][EQ]=direct")); !slices.Equal(got, wantGroups[:1]) {
		t.Fatalf("uma's direct groups %v", got)
	}
	if got := entries(t, h.admin.Get("/users/"+users["uma"]+"/groups?filter[membershipType][EQ]=indirect")); !slices.Equal(got, wantGroups[1:]) {
		t.Fatalf("uma's indirect groups %v", got)
	}
	// The same through /principals, for a user and for a group.
	if got := entries(t, h.admin.Get("/principals/"+users["uma"]+"/groups")); !slices.Equal(got, wantGroups) {
		t.Fatalf("principal uma's groups %v", got)
	}
	backendGroups := entries(t, h.admin.Get("/groups/"+groups["backend"]+"/groups"))
	if !slices.Equal(backendGroups, []entry{{"indirect", "", groups["company"], "company"}, {"direct", "", groups["engineering"], "engineering"}}) {
		t.Fatalf("backend's groups %v", backendGroups)
	}
	if got := entries(t, h.admin.Get("/principals/"+groups["backend"]+"/groups?filter[membershipType][EQ]=direct")); len(got) != 1 || got[0].Name != "engineering" {
		t.Fatalf("principal backend's direct groups %v", got)
	}
	// A user sees its own groups.
	h.domain.SetPassword(t.Context(), setupCaller, directory.ByID(users["uma"]), "uma-pass-1", false)
	uma := h.login("uma", "uma-pass-1")
	if got := entries(t, uma.Get("/users/me/groups")); !slices.Equal(got, wantGroups) {
		t.Fatalf("uma's own groups %v", got)
	}

	expect(t, h.admin.Do(http.MethodGet, "/users/"+users["uma"]+"/groups?filter[membershipType][EQ]=sideways", openapitest.Request{Invalid: true}), http.StatusBadRequest, "direct or indirect")
	expect(t, h.admin.Do(http.MethodGet, "/users/"+users["uma"]+"/groups?filter[principalType][EQ]=User", openapitest.Request{Invalid: true}), http.StatusBadRequest, `unknown filter field \"principalType\"`)
	expect(t, h.admin.Get("/principals/00000000-0000-4000-8000-000000000000/groups"), http.StatusNotFound)
	expect(t, h.admin.Get("/groups/00000000-0000-4000-8000-000000000000/members"), http.StatusNotFound)
	expect(t, h.admin.Get("/users/00000000-0000-4000-8000-000000000000/groups"), http.StatusNotFound)
}

func TestChangeMembers(t *testing.T) {
	h := newHarness(t)
	users, groups := nested(t, h)
	team := h.seedGroup("team")
	path := "/groups/" + team.ID + "/members"
	direct := func() []string {
		ms, err := h.dir.Members(t.Context(), directory.ByID(team.ID), false)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range ms {
			out = append(out, m.Name)
		}
		slices.Sort(out)
		return out
	}
	do := func(ops []map[string]any) *openapitest.Response {
		return h.admin.Do(http.MethodPatch, path, openapitest.Request{JSON: ops})
	}

	r := do([]map[string]any{
		{"op": "add", "id": users["uma"]},
		{"op": "add", "name": "vic", "principalType": "User"},
		{"op": "add", "name": "backend", "principalType": "Group"},
		{"op": "add", "id": users["uma"]}, // already a member: nothing to do
	})
	expect(t, r, http.StatusOK, "3 change(s)")
	if got := direct(); !slices.Equal(got, []string{"backend", "uma", "vic"}) {
		t.Fatalf("members %v", got)
	}
	expect(t, do([]map[string]any{{"op": "remove", "name": "vic"}, {"op": "add", "id": users["walt"], "principalType": "User"}}), http.StatusOK)
	if got := direct(); !slices.Equal(got, []string{"backend", "uma", "walt"}) {
		t.Fatalf("members %v", got)
	}

	// Any bad operation and nothing changes.
	for _, tc := range []struct {
		ops    []map[string]any
		status int
		want   string
	}{
		{[]map[string]any{{"op": "remove", "id": users["uma"]}, {"op": "remove", "name": "vic"}}, http.StatusNotFound, `operation 1: \"vic\" is not a direct member`},
		{[]map[string]any{{"op": "remove", "id": users["uma"]}, {"op": "add", "name": "nobody"}}, http.StatusNotFound, "not found"},
		{[]map[string]any{{"op": "remove", "id": users["uma"]}, {"op": "add", "id": team.ID}}, http.StatusBadRequest, "member of itself"},
		{[]map[string]any{{"op": "remove", "id": users["uma"]}, {"op": "replace", "id": users["vic"]}}, http.StatusBadRequest, "op must be add or remove"},
		{[]map[string]any{{"op": "remove", "id": users["uma"]}, {"op": "add"}}, http.StatusBadRequest, "id or name is required"},
		{[]map[string]any{{"op": "remove", "id": users["uma"]}, {"op": "add", "name": "vic", "principalType": "Robot"}}, http.StatusBadRequest, "principalType"},
		{[]map[string]any{{"op": "remove", "id": users["uma"]}, {"op": "add", "name": "backend", "principalType": "User"}}, http.StatusNotFound, "not found"},
		{[]map[string]any{{"op": "remove", "id": users["uma"]}, {"op": "add", "name": "*"}}, http.StatusNotFound, "not found"},
	} {
		r := h.admin.Do(http.MethodPatch, path, openapitest.Request{JSON: tc.ops, Invalid: true})
		expect(t, r, tc.status, tc.want)
		if got := direct(); !slices.Equal(got, []string{"backend", "uma", "walt"}) {
			t.Fatalf("%v changed the members: %v", tc.ops, got)
		}
	}
	expect(t, h.admin.Do(http.MethodPatch, path, openapitest.Request{Raw: []byte(`{"op":"add"}`), Invalid: true}), http.StatusBadRequest)
	expect(t, h.admin.Do(http.MethodPatch, "/groups/00000000-0000-4000-8000-000000000000/members", openapitest.Request{JSON: []map[string]any{{"op": "add", "id": users["uma"]}}}), http.StatusNotFound)

	// A name that is both a user's and a group's needs principalType.
	h.seedGroup("uma")
	expect(t, do([]map[string]any{{"op": "add", "name": "uma"}}), http.StatusBadRequest, "both a user and a group")
	_ = groups
}
