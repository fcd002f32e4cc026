package scim

import (
	"encoding/json"
	"net/http"
	"runtime"
	"strconv"
	"testing"
)

// TestUserJSONIsMarshal: the hand-written encoder writes every shape of
// User resource byte for byte as json.Marshal does, escaping included.
func TestUserJSONIsMarshal(t *testing.T) {
	odd := []string{"", "plain", `quote " and \ backslash`, "<script>&amp;", "tab\there\nnewline\x01", "Zoë Ünïcode 日本",
		"line\u2028sep\u2029", "bad utf-8 \xff\xfe", "\x7f del", "\b\f\r\x00\x1f"}
	var ascii []byte
	for c := range 0x80 {
		ascii = append(ascii, byte(c))
	}
	odd = append(odd, string(ascii))
	var cases []*userResource
	cases = append(cases,
		&userResource{},
		&userResource{Schemas: []string{urnUser}, ID: "1", UserName: "u", Meta: meta{ResourceType: "User", Location: "http://x/Users/1", Version: `W/"abc"`}},
		&userResource{Schemas: []string{urnUser}, Name: &nameAttr{}, Enterprise: &enterpriseAt{}},
		&userResource{Name: &nameAttr{FamilyName: "F"}, Enterprise: &enterpriseAt{Manager: &managerRef{Value: "m"}}},
		&userResource{Enterprise: &enterpriseAt{Organization: "O", Manager: &managerRef{Value: "m", Ref: "r", DisplayName: "D"}}},
		&userResource{Groups: []groupRef{{Value: "g"}, {Value: "h", Ref: "r", Display: "d", Type: "direct"}}},
		&userResource{Emails: []multiValue{{Value: "a@b"}, {Value: "c@d", Type: "work", Primary: true}}, PhoneNumbers: []multiValue{{Value: "1", Type: "mobile"}}},
	)
	for _, s := range odd {
		cases = append(cases, &userResource{
			Schemas: []string{urnUser, s}, ID: s, ExternalID: s, UserName: s, Name: &nameAttr{Formatted: s, GivenName: s, FamilyName: s},
			DisplayName: s, Title: s, Active: s != "", Emails: []multiValue{{Value: s, Type: s, Primary: true}},
			PhoneNumbers: []multiValue{{Value: s, Type: s}}, Groups: []groupRef{{Value: s, Ref: s, Display: s, Type: s}},
			Enterprise: &enterpriseAt{EmployeeNumber: s, Department: s, Organization: s, Manager: &managerRef{Value: s, Ref: s, DisplayName: s}},
			Meta:       meta{ResourceType: s, Created: s, LastModified: s, Location: s, Version: s},
		})
	}
	for i, res := range cases {
		want, err := json.Marshal(res)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendUser(nil, res); string(got) != string(want) {
			t.Errorf("case %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestUserPageIsMarshal: a page of Users, rendered in parts by several
// goroutines and appended, is byte for byte the ListResponse that
// json.Marshal writes of the same resources as GET /Users/{id} answers
// them, in the same order; so is a projected page.
func TestUserPageIsMarshal(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3)) // three parts, whatever the machine
	h := newHarness(t)
	boss := h.createUser(map[string]any{"userName": "boss", "displayName": "Bö <Boss>"})
	const n = 3 * minShare
	for i := range n - 1 {
		u := map[string]any{"userName": "p" + strconv.Itoa(i), "displayName": "P & " + strconv.Itoa(i), "title": "Clerk",
			"name": map[string]any{"givenName": "Zoë", "familyName": "Age"}, "emails": []any{map[string]any{"value": "p@example.com"}}}
		if i%7 == 0 {
			u["schemas"] = []string{urnUser, urnEnterprise}
			u[urnEnterprise] = map[string]any{"department": "D", "manager": map[string]any{"value": boss["id"]}}
		}
		h.createUser(u)
	}
	for _, q := range []string{"", "&attributes=userName,emails.value", "&excludedAttributes=meta"} {
		page := h.call(http.MethodGet, "/Users?startIndex=1&count="+strconv.Itoa(n)+q, nil)
		expect(t, page, http.StatusOK)
		got := ids(t, page)
		if len(got) != n {
			t.Fatalf("%d resources, want %d", len(got), n)
		}
		want := listResponse{Schemas: []string{urnListResponse}, TotalResults: n, StartIndex: 1, ItemsPerPage: n}
		for _, id := range got {
			one := h.call(http.MethodGet, "/Users/"+id+"?"+q, nil)
			expect(t, one, http.StatusOK)
			want.Resources = append(want.Resources, json.RawMessage(one.raw))
		}
		w, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		if page.raw != string(w) {
			t.Fatalf("query %q: the page is not json.Marshal's:\n got %.600s\nwant %.600s", q, page.raw, w)
		}
	}
}
