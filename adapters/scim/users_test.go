package scim

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// TestUserLifecycle: POST creates with every mapped attribute (201,
// Location, ETag), GET reads it back, PUT replaces (an attribute left out
// is removed), DELETE removes (then 404). The password is set and never
// shown, nor logged.
func TestUserLifecycle(t *testing.T) {
	h := newHarness(t)
	boss := h.createUser(map[string]any{"userName": "boss", "displayName": "The Boss"})
	a := h.call(http.MethodPost, "/Users", map[string]any{
		"schemas":     []string{urnUser, urnEnterprise},
		"userName":    "bjensen",
		"externalId":  "ext-1",
		"name":        map[string]any{"givenName": "Barbara", "familyName": "Jensen"},
		"displayName": "Babs Jensen",
		"title":       "Tour Guide",
		"password":    goodPass,
		"emails":      []any{map[string]any{"value": "bjensen@example.com", "type": "work", "primary": true}},
		"phoneNumbers": []any{
			map[string]any{"value": "555-555-5555", "type": "work"},
			map[string]any{"value": "555-555-4444", "type": "mobile"},
		},
		urnEnterprise: map[string]any{"employeeNumber": "701984", "department": "Tour Operations",
			"organization": "Universal Studios", "manager": map[string]any{"value": boss["id"]}},
	})
	expect(t, a, http.StatusCreated)
	doc := a.doc(t)
	id := doc["id"].(string)
	if a.header.Get("Location") != "http://example.com/scim/v2/Users/"+id || a.header.Get("ETag") == "" {
		t.Fatalf("Location %q, ETag %q", a.header.Get("Location"), a.header.Get("ETag"))
	}
	if strings.Contains(a.raw, goodPass) || doc["password"] != nil {
		t.Fatalf("the answer shows the password: %s", a.raw)
	}
	u := h.user(id)
	if u.Username != "bjensen" || u.GivenName != "Barbara" || u.Surname != "Jensen" || u.Mail != "bjensen@example.com" ||
		u.Telephone != "555-555-5555" || len(u.Mobile) != 1 || u.Mobile[0] != "555-555-4444" || u.ExternalID != "ext-1" ||
		u.Title != "Tour Guide" || !u.Enabled || first(u.Attributes, "employeeNumber") != "701984" ||
		first(u.Attributes, "department") != "Tour Operations" || first(u.Attributes, "company") != "Universal Studios" ||
		first(u.Attributes, "manager") != h.user(boss["id"].(string)).DN {
		t.Fatalf("the directory holds %+v", u)
	}
	if _, err := h.env.Dir.VerifyPassword(t.Context(), directory.ByID(id), goodPass); err != nil {
		t.Fatalf("the password was not set: %v", err)
	}

	got := h.call(http.MethodGet, "/Users/"+id, nil)
	expect(t, got, http.StatusOK)
	ent := got.doc(t)[urnEnterprise].(map[string]any)
	if ent["manager"].(map[string]any)["value"] != boss["id"] || ent["employeeNumber"] != "701984" {
		t.Fatalf("enterprise extension read back as %v", ent)
	}

	put := h.call(http.MethodPut, "/Users/"+id, map[string]any{
		"schemas": []string{urnUser}, "userName": "bjensen2", "displayName": "Barbara J.",
		"emails": []any{map[string]any{"value": "b@example.com", "type": "work"}}, "active": false,
	})
	expect(t, put, http.StatusOK)
	u = h.user(id)
	if u.Username != "bjensen2" || u.DisplayName != "Barbara J." || u.Title != "" || u.GivenName != "" ||
		u.Mail != "b@example.com" || u.Enabled || len(u.Mobile) != 0 || first(u.Attributes, "employeeNumber") != "" {
		t.Fatalf("after PUT the directory holds %+v", u)
	}

	expect(t, h.call(http.MethodDelete, "/Users/"+id, nil), http.StatusNoContent)
	expect(t, h.call(http.MethodGet, "/Users/"+id, nil), http.StatusNotFound)
	if strings.Contains(h.env.Output(), goodPass) {
		t.Fatal("the password appears in the logs")
	}
}

// TestUserUniqueness: a userName that is taken is 409 uniqueness, on
// create and on rename.
func TestUserUniqueness(t *testing.T) {
	h := newHarness(t)
	h.createUser(map[string]any{"userName": "taken"})
	other := h.createUser(map[string]any{"userName": "other"})
	expect(t, h.call(http.MethodPost, "/Users", map[string]any{"schemas": []string{urnUser}, "userName": "taken"}),
		http.StatusConflict, typeUniqueness)
	expect(t, h.call(http.MethodPatch, "/Users/"+other["id"].(string), patchBody(op("replace", "userName", "taken"))),
		http.StatusConflict, typeUniqueness)
}

// TestPatchUser: Entra ID's and Okta's forms of PATCH, each checked in
// the directory: capitalised ops, "False" as a string, value-filter
// paths, URN paths, no-path replace with a value object, remove.
func TestPatchUser(t *testing.T) {
	h := newHarness(t)
	boss := h.createUser(map[string]any{"userName": "chief"})
	u := h.createUser(map[string]any{"userName": "pat", "title": "Intern",
		"phoneNumbers": []any{map[string]any{"value": "1", "type": "mobile"}}})
	id := u["id"].(string)
	patch := func(ops ...map[string]any) {
		t.Helper()
		a := h.call(http.MethodPatch, "/Users/"+id, patchBody(ops...))
		expect(t, a, http.StatusOK)
		if strings.Contains(a.raw, "password") {
			t.Fatalf("the answer names a password: %s", a.raw)
		}
	}

	patch(op("Replace", `emails[type eq "work"].value`, "pat@example.com"),
		op("Replace", "name.givenName", "Pat"),
		op("Add", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "42"),
		op("Replace", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", boss["id"]),
		op("Replace", "active", "False"))
	got := h.user(id)
	if got.Mail != "pat@example.com" || got.GivenName != "Pat" || got.Enabled || first(got.Attributes, "employeeNumber") != "42" ||
		first(got.Attributes, "manager") != h.user(boss["id"].(string)).DN {
		t.Fatalf("after Entra's PATCH: %+v", got)
	}

	patch(op("replace", "", map[string]any{"active": true, "displayName": "Pat Doe",
		"name": map[string]any{"familyName": "Doe"}, "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Ops"}))
	got = h.user(id)
	if !got.Enabled || got.DisplayName != "Pat Doe" || got.GivenName != "Pat" || got.Surname != "Doe" || first(got.Attributes, "department") != "Ops" {
		t.Fatalf("after Okta's no-path replace: %+v", got)
	}

	patch(op("remove", "title", nil), op("add", "phoneNumbers", []any{map[string]any{"value": "2", "type": "mobile"}}),
		op("remove", `phoneNumbers[value eq "1"]`, nil))
	got = h.user(id)
	if got.Title != "" || len(got.Mobile) != 1 || got.Mobile[0] != "2" {
		t.Fatalf("after remove and add: %+v", got)
	}

	// An added primary email takes over from the one there.
	patch(op("add", "emails", []any{map[string]any{"value": "new@example.com", "type": "work", "primary": true}}))
	if got := h.user(id); got.Mail != "new@example.com" {
		t.Fatalf("after adding a primary email: %q", got.Mail)
	}

	patch(op("add", "password", goodPass))
	if _, err := h.env.Dir.VerifyPassword(t.Context(), directory.ByID(id), goodPass); err != nil {
		t.Fatalf("PATCH password: %v", err)
	}

	for name, body := range map[string]map[string]any{
		"bad op":         patchBody(op("move", "title", "x")),
		"no schema":      {"Operations": []any{op("replace", "title", "x")}},
		"remove no path": patchBody(op("remove", "", nil)),
		"bad path":       patchBody(op("replace", "emails[type eq", "x")),
		"no target":      patchBody(op("replace", `emails[value co "x"].value`, "y")),
		"bad active":     patchBody(op("replace", "active", "maybe")),
		"not json":       {"schemas": "x"},
	} {
		a := h.call(http.MethodPatch, "/Users/"+id, body)
		if a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, a.status, a.raw)
		}
	}
	if h.user(id).Title != "" {
		t.Fatal("a refused PATCH changed the user")
	}
}

// TestETags: meta.version is the ETag; If-Match with another version is
// 412 and changes nothing; If-None-Match with the current one is 304 on
// GET.
func TestETags(t *testing.T) {
	h := newHarness(t)
	u := h.createUser(map[string]any{"userName": "etag"})
	id := u["id"].(string)
	v := u["meta"].(map[string]any)["version"].(string)
	if !strings.HasPrefix(v, `W/"`) {
		t.Fatalf("version %q", v)
	}
	a := h.call(http.MethodGet, "/Users/"+id, nil, "If-None-Match", v)
	if a.status != http.StatusNotModified {
		t.Fatalf("If-None-Match current: %d", a.status)
	}
	a = h.call(http.MethodPatch, "/Users/"+id, patchBody(op("replace", "title", "A")), "If-Match", v)
	expect(t, a, http.StatusOK)
	v2 := a.header.Get("ETag")
	if v2 == v {
		t.Fatal("the version did not change with the user")
	}
	expect(t, h.call(http.MethodPatch, "/Users/"+id, patchBody(op("replace", "title", "B")), "If-Match", v), http.StatusPreconditionFailed)
	expect(t, h.call(http.MethodDelete, "/Users/"+id, nil, "If-Match", v), http.StatusPreconditionFailed)
	if got := h.user(id); got == nil || got.Title != "A" {
		t.Fatalf("a stale If-Match changed the user: %+v", got)
	}
	expect(t, h.call(http.MethodPut, "/Users/"+id, map[string]any{"userName": "etag", "title": "C"}, "If-Match", v2), http.StatusOK)
}

// TestListUsers: filter, startIndex/count with the true totalResults,
// sortBy/sortOrder, attributes/excludedAttributes, count=0 and POST
// /.search.
func TestListUsers(t *testing.T) {
	h := newHarness(t)
	for _, n := range []string{"ann", "bob", "cid", "dan", "eve"} {
		h.createUser(map[string]any{"userName": "l-" + n, "title": "Clerk " + n,
			"emails": []any{map[string]any{"value": n + "@example.com"}}})
	}
	page := func(a answer) (total, start, per int, names []string) {
		t.Helper()
		expect(t, a, http.StatusOK)
		var lr struct {
			Schemas      []string         `json:"schemas"`
			TotalResults int              `json:"totalResults"`
			StartIndex   int              `json:"startIndex"`
			ItemsPerPage int              `json:"itemsPerPage"`
			Resources    []map[string]any `json:"Resources"`
		}
		if err := json.Unmarshal([]byte(a.raw), &lr); err != nil || len(lr.Schemas) != 1 || lr.Schemas[0] != urnListResponse {
			t.Fatalf("not a ListResponse: %s", a.raw)
		}
		for _, r := range lr.Resources {
			n, _ := r["userName"].(string)
			names = append(names, n)
		}
		return lr.TotalResults, lr.StartIndex, lr.ItemsPerPage, names
	}
	total, start, per, names := page(h.call(http.MethodGet, `/Users?filter=userName+sw+"l-"&startIndex=2&count=2`, nil))
	if total != 5 || start != 2 || per != 2 || strings.Join(names, ",") != "l-bob,l-cid" {
		t.Fatalf("page 2: total %d start %d per %d names %v", total, start, per, names)
	}
	_, _, _, names = page(h.call(http.MethodGet, `/Users?filter=title+sw+"Clerk"&sortBy=userName&sortOrder=descending&count=2`, nil))
	if strings.Join(names, ",") != "l-eve,l-dan" {
		t.Fatalf("descending: %v", names)
	}
	total, _, per, _ = page(h.call(http.MethodGet, `/Users?filter=userName+sw+"l-"&count=0`, nil))
	if total != 5 || per != 0 {
		t.Fatalf("count=0: total %d per %d", total, per)
	}
	a := h.call(http.MethodGet, `/Users?filter=emails[value+ew+"@example.com"]+and+not+(userName+eq+"l-ann")&attributes=userName`, nil)
	total, _, _, _ = page(a)
	if total != 4 || strings.Contains(a.raw, "title") || strings.Contains(a.raw, "emails") || !strings.Contains(a.raw, `"id"`) {
		t.Fatalf("attributes=userName: %s", a.raw)
	}
	a = h.call(http.MethodGet, `/Users?filter=userName+eq+"l-ann"&excludedAttributes=emails,meta`, nil)
	if total, _, _, _ = page(a); total != 1 || strings.Contains(a.raw, "emails") || strings.Contains(a.raw, "meta") || !strings.Contains(a.raw, "Clerk") {
		t.Fatalf("excludedAttributes: %s", a.raw)
	}
	total, _, _, names = page(h.call(http.MethodPost, "/Users/.search", map[string]any{
		"schemas": []string{urnSearchRequest}, "filter": `userName eq "l-cid" or userName eq "l-dan"`,
		"sortBy": "userName", "startIndex": 1, "count": 10,
	}))
	if total != 2 || strings.Join(names, ",") != "l-cid,l-dan" {
		t.Fatalf(".search: %d %v", total, names)
	}
	// The lookup by userName: any case, one result, paged like any list.
	total, start, per, names = page(h.call(http.MethodGet, `/Users?filter=USERNAME+eq+"L-BOB"`, nil))
	if total != 1 || start != 1 || per != 1 || names[0] != "l-bob" {
		t.Fatalf("lookup: %d %d %d %v", total, start, per, names)
	}
	total, _, per, _ = page(h.call(http.MethodGet, `/Users?filter=userName+eq+"l-bob"&startIndex=2`, nil))
	if total != 1 || per != 0 {
		t.Fatalf("lookup, page 2: %d %d", total, per)
	}
	total, _, _, _ = page(h.call(http.MethodGet, `/Users?filter=userName+eq+"nobody"`, nil))
	if total != 0 {
		t.Fatalf("lookup of nobody: %d", total)
	}
	expect(t, h.call(http.MethodGet, `/Users?filter=nickName+eq+"x"`, nil), http.StatusBadRequest, typeInvalidFilter)
	expect(t, h.call(http.MethodGet, `/Users?sortBy=groups`, nil), http.StatusBadRequest, typeInvalidValue)
	expect(t, h.call(http.MethodGet, `/Users?count=x`, nil), http.StatusBadRequest, typeInvalidValue)
}

// TestFilterValuesMatchLiterally: every metacharacter of LDAP filters and
// SCIM strings in a value matches itself, and nothing else.
func TestFilterValuesMatchLiterally(t *testing.T) {
	h := newHarness(t)
	h.createUser(map[string]any{"userName": "plain", "title": "plain"})
	odd := h.createUser(map[string]any{"userName": "odd", "title": `a*b(c)\d"e`})
	for _, f := range []string{`title eq "a*b(c)\\d\"e"`, `title co "*b(c)\\"`, `title sw "a*"`, `title ew ")\\d\"e"`} {
		a := h.call(http.MethodPost, "/Users/.search", map[string]any{"schemas": []string{urnSearchRequest}, "filter": f})
		expect(t, a, http.StatusOK)
		if got := ids(t, a); len(got) != 1 || got[0] != odd["id"] {
			t.Errorf("%s matched %v", f, got)
		}
	}
	for _, f := range []string{`title eq "*"`, `title eq "a*"`, `userName eq "*)(uid=*"`} {
		a := h.call(http.MethodPost, "/Users/.search", map[string]any{"schemas": []string{urnSearchRequest}, "filter": f})
		expect(t, a, http.StatusOK)
		if got := ids(t, a); len(got) != 0 {
			t.Errorf("%s matched %v", f, got)
		}
	}
}
