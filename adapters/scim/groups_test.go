package scim

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// memberIDs lists a group's direct members in the directory.
func (h *harness) memberIDs(groupID string) []string {
	h.t.Helper()
	ms, err := h.env.Dir.Members(h.t.Context(), directory.ByID(groupID), false)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// TestGroupLifecycle: create with members, read with members ($ref,
// display, type), PATCH add and remove (Entra ID's batches, Okta's value
// filter), rename, PUT, DELETE, each checked in the directory.
func TestGroupLifecycle(t *testing.T) {
	h := newHarness(t)
	var users []string
	for _, n := range []string{"g-a", "g-b", "g-c"} {
		users = append(users, h.createUser(map[string]any{"userName": n, "displayName": strings.ToUpper(n)})["id"].(string))
	}
	a := h.call(http.MethodPost, "/Groups", map[string]any{"schemas": []string{urnGroup}, "displayName": "Sales",
		"externalId": "okta-1", "members": []any{map[string]any{"value": users[0]}}})
	expect(t, a, http.StatusCreated)
	gid := a.doc(t)["id"].(string)
	if got := h.memberIDs(gid); !slices.Equal(got, []string{users[0]}) {
		t.Fatalf("members after create: %v", got)
	}
	expect(t, h.call(http.MethodPost, "/Groups", map[string]any{"schemas": []string{urnGroup}, "displayName": "Sales"}),
		http.StatusConflict, typeUniqueness)

	got := h.call(http.MethodGet, "/Groups/"+gid, nil)
	expect(t, got, http.StatusOK)
	m := got.doc(t)["members"].([]any)[0].(map[string]any)
	if m["value"] != users[0] || m["type"] != "User" || m["display"] != "G-A" || m["$ref"] != "http://example.com/scim/v2/Users/"+users[0] {
		t.Fatalf("member %v", m)
	}

	// Entra ID: add two, then remove one, by value lists.
	expect(t, h.call(http.MethodPatch, "/Groups/"+gid, patchBody(op("Add", "members",
		[]any{map[string]any{"value": users[1]}, map[string]any{"value": users[2]}}))), http.StatusNoContent)
	if got := h.memberIDs(gid); !slices.Equal(got, sorted(users...)) {
		t.Fatalf("after add: %v", got)
	}
	expect(t, h.call(http.MethodPatch, "/Groups/"+gid, patchBody(op("Remove", "members",
		[]any{map[string]any{"value": users[1]}}))), http.StatusNoContent)
	// Okta: remove by value filter; rename by no-path replace.
	expect(t, h.call(http.MethodPatch, "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+users[2]+`"]`, nil),
		op("replace", "", map[string]any{"id": gid, "displayName": "Sales EMEA"}))), http.StatusNoContent)
	if got := h.memberIDs(gid); !slices.Equal(got, []string{users[0]}) {
		t.Fatalf("after removes: %v", got)
	}
	g, err := h.env.Dir.GetGroup(t.Context(), directory.ByID(gid))
	if err != nil || g.Name != "Sales EMEA" || g.ExternalID != "okta-1" {
		t.Fatalf("group %+v, %v", g, err)
	}
	// Removing a member that is not there is not an error.
	expect(t, h.call(http.MethodPatch, "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+users[2]+`"]`, nil))), http.StatusNoContent)
	expect(t, h.call(http.MethodPatch, "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": "nobody"}}))),
		http.StatusBadRequest, typeInvalidValue)
	expect(t, h.call(http.MethodPatch, "/Groups/"+gid, patchBody(op("remove", "displayName", nil))), http.StatusBadRequest, typeMutability)

	put := h.call(http.MethodPut, "/Groups/"+gid, map[string]any{"schemas": []string{urnGroup}, "displayName": "Sales EMEA",
		"members": []any{map[string]any{"value": users[1]}, map[string]any{"value": users[2]}}})
	expect(t, put, http.StatusOK)
	if got := h.memberIDs(gid); !slices.Equal(got, sorted(users[1], users[2])) {
		t.Fatalf("after PUT: %v", got)
	}
	g, _ = h.env.Dir.GetGroup(t.Context(), directory.ByID(gid))
	if g.ExternalID != "" {
		t.Fatalf("PUT without externalId kept %q", g.ExternalID)
	}

	// A PUT without members leaves them.
	expect(t, h.call(http.MethodPut, "/Groups/"+gid, map[string]any{"schemas": []string{urnGroup}, "displayName": "Sales EMEA"}), http.StatusOK)
	if got := h.memberIDs(gid); !slices.Equal(got, sorted(users[1], users[2])) {
		t.Fatalf("after a PUT without members: %v", got)
	}
	// Groups by member: one read of the member's groups, no member list.
	before := h.dir.memberReads.Load()
	for _, f := range []string{`members[value eq "` + users[1] + `"]`, `id eq "` + gid + `" and members eq "` + users[2] + `"`} {
		a := h.call(http.MethodPost, "/Groups/.search", map[string]any{"schemas": []string{urnSearchRequest}, "filter": f,
			"excludedAttributes": []string{"members"}})
		expect(t, a, http.StatusOK)
		if got := ids(t, a); len(got) != 1 || got[0] != gid {
			t.Fatalf("%s: %v", f, got)
		}
	}
	a = h.call(http.MethodPost, "/Groups/.search", map[string]any{"schemas": []string{urnSearchRequest}, "filter": `members[value eq "` + users[0] + `"]`})
	if got := ids(t, a); len(got) != 0 {
		t.Fatalf("groups of a non-member: %v", got)
	}
	if n := h.dir.memberReads.Load() - before; n != 0 {
		t.Fatalf("a filter by member read %d member lists", n)
	}

	list := h.call(http.MethodGet, `/Groups?filter=displayName+eq+"Sales%20EMEA"`, nil)
	expect(t, list, http.StatusOK)
	if got := ids(t, list); len(got) != 1 || got[0] != gid {
		t.Fatalf("filter by displayName: %v", got)
	}
	user := h.call(http.MethodGet, "/Users/"+users[1]+"?attributes=groups", nil)
	expect(t, user, http.StatusOK)
	if !strings.Contains(user.raw, `"display":"Sales EMEA"`) || !strings.Contains(user.raw, `"type":"direct"`) {
		t.Fatalf("the user's groups: %s", user.raw)
	}
	expect(t, h.call(http.MethodDelete, "/Groups/"+gid, nil), http.StatusNoContent)
	expect(t, h.call(http.MethodGet, "/Groups/"+gid, nil), http.StatusNotFound)
}

// TestMembersNotReadWhenExcluded: excludedAttributes=members (Entra ID's
// GET) and a list without members never read a member list, and member
// adds and removes by PATCH do not read it either.
func TestMembersNotReadWhenExcluded(t *testing.T) {
	h := newHarness(t)
	uid := h.createUser(map[string]any{"userName": "m-1"})["id"].(string)
	a := h.call(http.MethodPost, "/Groups", map[string]any{"schemas": []string{urnGroup}, "displayName": "Big"})
	expect(t, a, http.StatusCreated)
	gid := a.doc(t)["id"].(string)
	before := h.dir.memberReads.Load()
	expect(t, h.call(http.MethodGet, "/Groups/"+gid+"?excludedAttributes=members", nil), http.StatusOK)
	expect(t, h.call(http.MethodGet, "/Groups?excludedAttributes=members", nil), http.StatusOK)
	expect(t, h.call(http.MethodGet, "/Groups?attributes=displayName", nil), http.StatusOK)
	expect(t, h.call(http.MethodPatch, "/Groups/"+gid, patchBody(op("add", "members", []any{map[string]any{"value": uid, "type": "User"}}))), http.StatusNoContent)
	expect(t, h.call(http.MethodPatch, "/Groups/"+gid, patchBody(op("remove", `members[value eq "`+uid+`"]`, nil))), http.StatusNoContent)
	if n := h.dir.memberReads.Load() - before; n != 0 {
		t.Fatalf("%d member lists were read", n)
	}
	got := h.call(http.MethodGet, "/Groups/"+gid, nil)
	if strings.Contains(got.raw, `"members"`) || h.dir.memberReads.Load()-before != 1 {
		t.Fatalf("a plain GET: %s", got.raw)
	}
}

// TestNestedGroups: a group is a member of a group (type Group), shown
// as such, and a user of the inner group belongs to the outer one
// indirectly.
func TestNestedGroups(t *testing.T) {
	h := newHarness(t)
	uid := h.createUser(map[string]any{"userName": "nested-u"})["id"].(string)
	newGroup := func(name string, members ...any) string {
		a := h.call(http.MethodPost, "/Groups", map[string]any{"schemas": []string{urnGroup}, "displayName": name, "members": members})
		expect(t, a, http.StatusCreated)
		return a.doc(t)["id"].(string)
	}
	inner := newGroup("inner", map[string]any{"value": uid})
	outer := newGroup("outer")
	expect(t, h.call(http.MethodPatch, "/Groups/"+outer, patchBody(op("add", "members", []any{map[string]any{"value": inner}}))), http.StatusNoContent)
	if got := h.memberIDs(outer); !slices.Equal(got, []string{inner}) {
		t.Fatalf("outer's members: %v", got)
	}
	a := h.call(http.MethodGet, "/Groups/"+outer, nil)
	expect(t, a, http.StatusOK)
	if !strings.Contains(a.raw, `"type":"Group"`) || !strings.Contains(a.raw, "/Groups/"+inner) {
		t.Fatalf("outer: %s", a.raw)
	}
	a = h.call(http.MethodGet, "/Users/"+uid+"?attributes=groups", nil)
	expect(t, a, http.StatusOK)
	if !strings.Contains(a.raw, `"display":"outer","type":"indirect"`) || !strings.Contains(a.raw, `"display":"inner","type":"direct"`) {
		t.Fatalf("the user's groups: %s", a.raw)
	}
	// A group cannot be its own member: 400, nothing changes.
	expect(t, h.call(http.MethodPatch, "/Groups/"+outer, patchBody(op("add", "members", []any{map[string]any{"value": outer, "type": "Group"}}))),
		http.StatusBadRequest)
}
