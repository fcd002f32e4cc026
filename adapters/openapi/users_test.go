package openapi

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/adapters/openapi/openapitest"
	"github.com/dirgate/dirgate/pkg/directory"
)

func TestCreateUser(t *testing.T) {
	h := newHarness(t)
	r := h.admin.Post("/users", map[string]any{
		"userName": "ivy", "displayName": "Ivy Pepper", "email": "ivy@example.com",
		"userPrincipalName": "ivy@example.com", "externalId": "ext-17", "password": "ivy-pass-1",
		// Read-only members are accepted and ignored.
		"_id": "mine", "invitationPending": true, "temporarilyLocked": true,
	})
	expect(t, r, http.StatusCreated)
	m := r.Map(t)
	u := h.user(directory.ByName("ivy"))
	if m["_id"] != u.ID || u.ID == "mine" {
		t.Fatalf("created %v, directory has id %s", m, u.ID)
	}
	if r.Header.Get("Location") != "/api/users/"+u.ID {
		t.Errorf("Location %q", r.Header.Get("Location"))
	}
	for k, want := range map[string]any{
		"userName": "ivy", "unixUserName": "ivy", "displayName": "Ivy Pepper", "email": "ivy@example.com",
		"userPrincipalName": "ivy@example.com", "externalId": "ext-17", "active": true, "system": false,
		"invitationPending": false, "temporarilyLocked": false, "unixHomeDirectory": "/home/ivy",
	} {
		if m[k] != want {
			t.Errorf("%s = %v, want %v", k, m[k], want)
		}
	}
	if _, ok := m["password"]; ok || strings.Contains(string(r.Body), "ivy-pass-1") {
		t.Fatalf("the password came back: %s", r.Body)
	}
	if u.Mail != "ivy@example.com" || u.DisplayName != "Ivy Pepper" || u.ExternalID != "ext-17" || !u.Enabled || u.UIDNumber == 0 {
		t.Fatalf("directory has %+v", u)
	}
	h.login("ivy", "ivy-pass-1")

	// Created inactive.
	r = h.admin.Post("/users", map[string]any{"userName": "jack", "password": "jack-pass-1", "active": false})
	expect(t, r, http.StatusCreated)
	if m := r.Map(t); m["active"] != false || m["inactiveReason"] != reasonManual {
		t.Fatalf("inactive user %v", m)
	}

	expect(t, h.admin.Post("/users", map[string]any{"userName": "ivy", "password": "whatever-1"}), http.StatusConflict, `a user named \"ivy\" already exists`)
	expect(t, h.admin.Post("/users", map[string]any{"userName": "kim", "password": "abc"}), http.StatusUnprocessableEntity, "at least 6 characters")
	if _, err := h.dir.GetUser(t.Context(), directory.ByName("kim")); err == nil {
		t.Fatal("a user with a refused password was created")
	}
}

func TestCreateUserBadInput(t *testing.T) {
	h := newHarness(t)
	bad := func(body, want string) {
		t.Helper()
		expect(t, h.admin.Do(http.MethodPost, "/users", openapitest.Request{Raw: []byte(body), Invalid: true}), http.StatusBadRequest, want)
	}
	bad(`{"password":"lima-pass-1"}`, "userName is required")
	bad(`{"userName":"lima"}`, "password is required")
	bad(`{"userName":"lima","password":"lima-pass-1","colour":"red"}`, `unknown field \"colour\" of user`)
	bad(`{"userName":7,"password":"lima-pass-1"}`, "userName: must be a string")
	bad(`{"userName":"lima","password":"lima-pass-1","active":"yes"}`, "active: must be a boolean")
	bad(`{"userName":"lima","password":12345678}`, "password: must be a string")
	bad(`["lima"]`, "must be an object")
	bad(`{"userName":"lima","password":"lima-pass-1"} {}`, "unexpected data")
	bad(`{"userName":"li\u0000ma","password":"lima-pass-1"}`, "control characters")
	bad(`{"userName":"lima","password":"lima-pass-1","email":"not an address"}`, "not a valid email address")
	// Read-only members are ignored, but only with a value their schema
	// allows: the document's enum, type and format hold in requests too.
	bad(`{"userName":"lima","password":"lima-pass-1","inactiveReason":"bogus"}`, "inactiveReason: value is not one of the allowed values")
	bad(`{"userName":"lima","password":"lima-pass-1","temporarilyLocked":"no"}`, "temporarilyLocked:")
	bad(`{"userName":"lima","password":"lima-pass-1","_id":7}`, "_id:")
	// Oversized bodies get the envelope too.
	huge := `{"userName":"lima","password":"lima-pass-1","displayName":"` + strings.Repeat("x", testBodyLimit) + `"}`
	expect(t, h.admin.Do(http.MethodPost, "/users", openapitest.Request{Raw: []byte(huge)}), http.StatusRequestEntityTooLarge, "too large")

	r := h.admin.Get("/users?filter[userName][EQ]=lima")
	if m := r.Map(t); m["totalCount"] != float64(0) {
		t.Fatalf("bad input created a user: %v", m)
	}
}

// A body may send back what GET returned: read-only members with values
// their schema allows are accepted and ignored.
func TestCreateUserIgnoresValidReadOnlyMembers(t *testing.T) {
	h := newHarness(t)
	r := h.admin.Post("/users", map[string]any{"userName": "mike", "password": "mike-pass-1", "inactiveReason": "manual",
		"temporarilyLocked": true, "_id": "not-mine", "unixUserName": "other"})
	expect(t, r, http.StatusCreated)
	if m := r.Map(t); m["_id"] == "not-mine" || m["active"] != true || m["inactiveReason"] != nil || m["temporarilyLocked"] == true {
		t.Errorf("read-only members were applied: %v", m)
	}
}

func TestUserNamesWithMetacharacters(t *testing.T) {
	h := newHarness(t)
	for _, name := range []string{`o'brien*(x)`, `a\b,c=d+e`, `<x>#y;"z"`} {
		r := h.admin.Post("/users", map[string]any{"userName": name, "displayName": name, "password": "meta-pass-1"})
		expect(t, r, http.StatusCreated)
		id := r.Map(t)["_id"].(string)
		got := h.admin.Get("/users?filter[userName][EQ]=" + queryEscape(name))
		m := got.Map(t)
		if m["totalCount"] != float64(1) || m["data"].([]any)[0].(map[string]any)["_id"] != id {
			t.Fatalf("filter by %q: %v", name, m)
		}
		h.login(name, "meta-pass-1")
	}
	// A wildcard is a value, not a pattern.
	if m := h.admin.Get("/users?filter[userName][EQ]=*").Map(t); m["totalCount"] != float64(0) {
		t.Fatalf("EQ * matched %v", m)
	}
	if m := h.admin.Get("/users?filter[userName][CO]=" + queryEscape("*)(uid=*")).Map(t); m["totalCount"] != float64(0) {
		t.Fatalf("injection matched %v", m)
	}
}

func TestGetUser(t *testing.T) {
	h := newHarness(t)
	u := h.seedUser(directory.NewUser{Username: "mona", DisplayName: "Mona Lisa", Mail: "mona@example.com", Password: "mona-pass-1"})

	m := h.admin.Get("/users/" + u.ID).Map(t)
	if m["_id"] != u.ID || m["email"] != "mona@example.com" || m["_created"] == nil || m["_modified"] == nil {
		t.Fatalf("user %v", m)
	}
	if _, ok := m["externalId"]; ok {
		t.Errorf("an empty externalId is shown: %v", m)
	}
	only := h.admin.Get("/users/" + u.ID + "?fields=userName,email").Map(t)
	if len(only) != 2 || only["userName"] != "mona" || only["email"] != "mona@example.com" {
		t.Fatalf("fields: %v", only)
	}
	only = h.admin.Get("/users/" + u.ID + "?fields=userName&fields=_id").Map(t)
	if len(only) != 2 || only["_id"] != u.ID {
		t.Fatalf("repeated fields: %v", only)
	}
	without := h.admin.Get("/users/" + u.ID + "?excludeFields=email,_created").Map(t)
	if _, ok := without["email"]; ok || without["_created"] != nil || without["userName"] != "mona" {
		t.Fatalf("excludeFields: %v", without)
	}
	expect(t, h.admin.Do(http.MethodGet, "/users/"+u.ID+"?fields=password", openapitest.Request{Invalid: true}), http.StatusBadRequest, `fields: unknown field \"password\"`)
	expect(t, h.admin.Get("/users/00000000-0000-4000-8000-000000000000"), http.StatusNotFound, "not found")
	expect(t, h.admin.Get("/users/"+queryEscape("*")), http.StatusNotFound, "not found")
	expect(t, h.admin.Get("/users/"+queryEscape("uid=mona,ou=people,dc=example,dc=com")), http.StatusNotFound, "not found")

	os := h.admin.Get("/users/" + u.ID + "/osUser").Map(t)
	if os["userName"] != "mona" || os["unixHomeDirectory"] != "/home/mona" {
		t.Fatalf("osUser %v", os)
	}
	mona := h.login("mona", "mona-pass-1")
	if os := mona.Get("/users/me/osUser").Map(t); os["userName"] != "mona" {
		t.Fatalf("own osUser %v", os)
	}
}

func TestUpdateUser(t *testing.T) {
	h := newHarness(t)
	u := h.seedUser(directory.NewUser{Username: "nina", DisplayName: "Nina", Mail: "nina@example.com", Password: "nina-pass-1"})
	h.seedUser(directory.NewUser{Username: "oscar"})

	// What GET returned can be sent back changed.
	cur := h.admin.Get("/users/" + u.ID).Map(t)
	cur["displayName"] = "Nina Simone"
	cur["email"] = nil
	r := h.admin.Put("/users/"+u.ID, cur)
	expect(t, r, http.StatusOK)
	if m := r.Map(t); m["displayName"] != "Nina Simone" || m["email"] != nil {
		t.Fatalf("after PUT %v", m)
	}
	got := h.user(directory.ByID(u.ID))
	if got.DisplayName != "Nina Simone" || got.Mail != "" {
		t.Fatalf("directory %+v", got)
	}

	// Rename and disable together.
	r = h.admin.Put("/users/"+u.ID, map[string]any{"userName": "nina2", "active": false})
	expect(t, r, http.StatusOK)
	if m := r.Map(t); m["userName"] != "nina2" || m["active"] != false || m["inactiveReason"] != reasonManual {
		t.Fatalf("after rename %v", m)
	}
	if got := h.user(directory.ByID(u.ID)); got.Username != "nina2" || got.Enabled {
		t.Fatalf("directory %+v", got)
	}

	// A rename onto a taken name changes nothing, not even the other
	// members of the request.
	r = h.admin.Put("/users/"+u.ID, map[string]any{"userName": "oscar", "displayName": "Should Not Stick", "active": true})
	expect(t, r, http.StatusConflict, `a user named \"oscar\" already exists`)
	if got := h.user(directory.ByID(u.ID)); got.Username != "nina2" || got.DisplayName != "Nina Simone" || got.Enabled {
		t.Fatalf("a refused change was applied: %+v", got)
	}

	expect(t, h.admin.Do(http.MethodPut, "/users/"+u.ID, openapitest.Request{JSON: map[string]any{"userName": ""}, Invalid: true}), http.StatusBadRequest, "userName: cannot be removed")
	expect(t, h.admin.Do(http.MethodPut, "/users/"+u.ID, openapitest.Request{JSON: map[string]any{"shoeSize": 43}, Invalid: true}), http.StatusBadRequest, `unknown field \"shoeSize\"`)
	expect(t, h.admin.Put("/users/00000000-0000-4000-8000-000000000000", map[string]any{"displayName": "x"}), http.StatusNotFound)
}

func TestPatchUser(t *testing.T) {
	h := newHarness(t)
	u := h.seedUser(directory.NewUser{Username: "paul", DisplayName: "Paul", Mail: "paul@example.com", Password: "paul-pass-1"})
	path := "/users/" + u.ID

	r := h.admin.PatchJSON(path, []map[string]any{
		{"op": "replace", "path": "/displayName", "value": "Paul Klee"},
		{"op": "add", "path": "/externalId", "value": "ext-9"},
		{"op": "remove", "path": "/email"},
		{"op": "add", "path": "/userPrincipalName", "value": "paul@corp.example"},
		{"op": "replace", "path": "/system", "value": true},
	})
	expect(t, r, http.StatusOK)
	m := r.Map(t)
	if m["displayName"] != "Paul Klee" || m["externalId"] != "ext-9" || m["email"] != nil || m["userPrincipalName"] != "paul@corp.example" || m["system"] != true {
		t.Fatalf("after patch %v", m)
	}
	got := h.user(directory.ByID(u.ID))
	if got.DisplayName != "Paul Klee" || got.ExternalID != "ext-9" || got.Mail != "" || !got.System || got.UserPrincipalName != "paul@corp.example" {
		t.Fatalf("directory %+v", got)
	}

	// Operations apply in order: add then replace the same member.
	r = h.admin.PatchJSON(path, []map[string]any{
		{"op": "add", "path": "/email", "value": "one@example.com"},
		{"op": "replace", "path": "/email", "value": "two@example.com"},
		{"op": "replace", "path": "/userName", "value": "paul.klee"},
	})
	expect(t, r, http.StatusOK)
	if got := h.user(directory.ByID(u.ID)); got.Mail != "two@example.com" || got.Username != "paul.klee" {
		t.Fatalf("directory %+v", got)
	}

	// One bad operation and nothing changes.
	before := h.user(directory.ByID(u.ID))
	for _, tc := range []struct {
		ops  []map[string]any
		want string
	}{
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "move", "from": "/email", "path": "/displayName"}}, `operation 1 (move /displayName): operation \"move\" is not supported`},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "frobnicate", "path": "/email"}}, `unknown operation \"frobnicate\"`},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "replace", "path": "/_id", "value": "x"}}, "_id is read-only"},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "replace", "path": "/nickname", "value": "x"}}, `unknown field \"nickname\" of user`},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "remove", "path": "/userName"}}, "userName: cannot be removed"},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "remove", "path": "/externalId"}, {"op": "remove", "path": "/externalId"}}, "externalId has no value to remove"},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "replace", "path": "/active", "value": "yes"}}, "active: must be a boolean"},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "add", "path": "/displayName"}}, "value is required"},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "replace", "path": "displayName", "value": "x"}}, "JSON Pointer"},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "replace", "path": "/a/b", "value": "x"}}, "one member"},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "replace", "path": "/displayName", "value": "nul\x00"}}, "NUL"},
		{[]map[string]any{{"op": "replace", "path": "/displayName", "value": "Changed"}, {"op": "replace", "path": "/userName", "value": testAdmin}}, "already exists"},
	} {
		r := h.admin.Do(http.MethodPatch, path, openapitest.Request{JSON: tc.ops, ContentType: mediaJSONPatch, Invalid: true})
		if r.Status != http.StatusBadRequest && r.Status != http.StatusConflict {
			t.Fatalf("%v: status %d %s", tc.ops, r.Status, r.Body)
		}
		if !strings.Contains(string(r.Body), tc.want) {
			t.Fatalf("%v: body %s, want %q", tc.ops, r.Body, tc.want)
		}
		after := h.user(directory.ByID(u.ID))
		if after.DisplayName != before.DisplayName || after.Username != before.Username || after.ExternalID != before.ExternalID {
			t.Fatalf("a refused patch changed the user: %+v", after)
		}
	}
	expect(t, h.admin.Do(http.MethodPatch, path, openapitest.Request{Raw: []byte(`{"op":"add"}`), ContentType: mediaJSONPatch, Invalid: true}), http.StatusBadRequest, "must be an array")
	expect(t, h.admin.Do(http.MethodPatch, path, openapitest.Request{Raw: []byte(`[`), ContentType: mediaJSONPatch, Invalid: true}), http.StatusBadRequest, "malformed JSON")
	// An empty patch changes nothing and answers the user.
	expect(t, h.admin.PatchJSON(path, []map[string]any{}), http.StatusOK, "paul.klee")
}

func TestDeleteUser(t *testing.T) {
	h := newHarness(t)
	u := h.seedUser(directory.NewUser{Username: "quinn"})
	sys := h.seedUser(directory.NewUser{Username: "svc-backup", System: true})
	g := h.seedGroup("staff", directory.UserRef(directory.ByID(u.ID)))

	expect(t, h.admin.Delete("/users/"+sys.ID), http.StatusPreconditionFailed, "system user")
	h.user(directory.ByID(sys.ID))

	expect(t, h.admin.Delete("/users/"+u.ID), http.StatusNoContent)
	expect(t, h.admin.Get("/users/"+u.ID), http.StatusNotFound)
	if _, err := h.dir.GetUser(t.Context(), directory.ByID(u.ID)); err == nil {
		t.Fatal("the user is still in the directory")
	}
	members := h.admin.Get("/groups/" + g.ID + "/members")
	if strings.Contains(string(members.Body), u.ID) {
		t.Fatalf("the deleted user is still a member: %s", members.Body)
	}
	expect(t, h.admin.Delete("/users/"+u.ID), http.StatusNotFound)
}

func TestClearLogonFailures(t *testing.T) {
	h := newHarness(t)
	threshold := h.dir.Capabilities().LockoutThreshold
	if threshold == 0 {
		t.Skipf("backend %s does not lock accounts", h.dir.Capabilities().Backend)
	}
	u := h.seedUser(directory.NewUser{Username: "rita", Password: "rita-pass-1"})
	for range threshold {
		expect(t, h.anon.Post("/login", map[string]string{"username": "rita", "password": "wrong-pass"}), http.StatusUnauthorized)
	}
	// Even the right password is the answer of a wrong one: a login tells
	// nothing about the account's state (docs/security.md).
	expect(t, h.anon.Post("/login", map[string]string{"username": "rita", "password": "rita-pass-1"}), http.StatusUnauthorized, msgBadCredentials)
	m := h.admin.Get("/users/" + u.ID).Map(t)
	if m["temporarilyLocked"] != true || m["active"] != false || m["inactiveReason"] != reasonFailedLogons {
		t.Fatalf("locked user %v", m)
	}
	if m := h.admin.Get("/users?filter[temporarilyLocked][EQ]=true").Map(t); m["totalCount"] != float64(1) {
		t.Fatalf("locked users %v", m)
	}

	expect(t, h.admin.Delete("/users/"+u.ID+"/logonFailures"), http.StatusNoContent)
	if m := h.admin.Get("/users/" + u.ID).Map(t); m["temporarilyLocked"] != false || m["active"] != true {
		t.Fatalf("unlocked user %v", m)
	}
	h.login("rita", "rita-pass-1")

	// A disabled account stays disabled: clearing failures is no enable.
	expect(t, h.admin.PatchJSON("/users/"+u.ID, []map[string]any{{"op": "replace", "path": "/active", "value": false}}), http.StatusOK)
	expect(t, h.admin.Delete("/users/"+u.ID+"/logonFailures"), http.StatusNoContent)
	if h.user(directory.ByID(u.ID)).Enabled {
		t.Fatal("clearing logon failures enabled a disabled account")
	}
	expect(t, h.admin.Delete("/users/00000000-0000-4000-8000-000000000000/logonFailures"), http.StatusNotFound)
}

func TestUnknownEndpointsAndMethods(t *testing.T) {
	h := newHarness(t)
	expect(t, h.admin.Get("/nothing/here"), http.StatusNotFound, "no such endpoint")
	r := h.admin.Do(http.MethodDelete, "/users", openapitest.Request{Invalid: true})
	expect(t, r, http.StatusMethodNotAllowed, "not allowed")
	if allow := r.Header.Get("Allow"); allow != "GET, POST" {
		t.Errorf("Allow %q", allow)
	}
}
