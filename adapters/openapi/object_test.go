package openapi

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// object renders every member exactly as json.Marshal would, on the fast
// path and off it.
func TestObjectMarshalsAsEncodingJSON(t *testing.T) {
	values := []any{
		"plain", "", "with \"quotes\"", `back\\slash`, "<script>&amp;", "tab\tnew\nline", "ünïcödé", "\u2028", "bad \xff utf-8",
		true, false, nil, 42, int64(-7), 1.5, []string{"a", "<b>"}, map[string]int{"x": 1}, time.Unix(0, 0).UTC(),
	}
	var o object
	for i, v := range values {
		o = append(o, member{key: string(rune('a'+i)) + "<&>", value: v})
	}
	got, err := json.Marshal(o)
	if err != nil {
		t.Fatal(err)
	}
	// The same members as encoding/json writes them, one by one.
	want := []byte{'{'}
	for i, m := range o {
		if i > 0 {
			want = append(want, ',')
		}
		k, _ := json.Marshal(m.key)
		v, _ := json.Marshal(m.value)
		want = append(append(append(want, k...), ':'), v...)
	}
	want = append(want, '}')
	if string(got) != string(want) {
		t.Errorf("object renders\n%s\nencoding/json renders\n%s", got, want)
	}
}

// BenchmarkUserPage renders a page of 1,000 users as GET /users answers
// it.
func BenchmarkUserPage(b *testing.B) {
	page := make([]object, 1000)
	for i := range page {
		u := user{ID: "7b6f1c2e-0d1a-4c1e-9a55-3c2f2b1d0e9a", Username: "u000042", DisplayName: "Load User 42",
			Mail: "u000042@example.com", HomeDirectory: "/home/u000042", Created: time.Unix(1700000000, 0), Modified: time.Unix(1700000000, 0)}
		page[i] = userFields.render(&u)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(map[string]any{"totalCount": 100000, "data": page}); err != nil {
			b.Fatal(err)
		}
	}
}

// testUsers are users with members on and off object's fast path.
func testUsers() []user {
	t0 := time.Date(2026, 11, 22, 22, 30, 0, 123456789, time.UTC)
	return []user{
		{ID: "1", Username: "alice", DisplayName: "Alice <A&B>", Mail: "alice@example.com", Created: t0, Modified: t0, Enabled: true},
		{ID: "2", Username: "bößer", DisplayName: "tab\there \"q\" \u2028", ExternalID: "ext", System: true, InvitationPending: true,
			InvitationExpiry: t0.Add(time.Hour)},
		{ID: "3", Username: "bad \xff", HomeDirectory: `C:\home`, UserPrincipalName: "c@x", Enabled: true},
	}
}

// appendList writes exactly what echo's JSON wrote for a listResponse:
// encoding/json's Encoder, HTML escaped, with a newline.
func TestAppendListAsEchoJSON(t *testing.T) {
	for _, tc := range []struct {
		name  string
		items []user
		sel   selection
	}{
		{"empty", nil, selection{}},
		{"users", testUsers(), selection{}},
		{"fields", testUsers(), selection{only: []string{"userName", "displayName"}}},
		{"excludeFields", testUsers(), selection{exclude: []string{"_id", "active"}}},
		// Members some users lack, and one none has.
		{"absent members", testUsers(), selection{only: []string{"externalId", "invitationExpiry", "_created"}}},
		{"absent first", testUsers(), selection{only: []string{"deleted", "externalId", "system"}}},
		{"nothing", testUsers(), selection{only: []string{"deleted"}}},
	} {
		checkAppendList(t, tc.name, tc.items, userFields, tc.sel)
	}
	t0 := time.Date(2026, 11, 22, 22, 30, 0, 0, time.FixedZone("x", 3600))
	testGroups := []group{
		{ID: "1", Name: "staff", Created: t0, Modified: t0.Add(time.Nanosecond)},
		{ID: "2", Name: "<b>&\u00e9", ExternalID: "e\"x", System: true},
	}
	for _, tc := range []struct {
		name string
		sel  selection
	}{
		{"groups", selection{}},
		{"groups/fields", selection{only: []string{"name", "externalId"}}},
		{"groups/excludeFields", selection{exclude: []string{"_id"}}},
	} {
		checkAppendList(t, tc.name, testGroups, groupFields, tc.sel)
	}
}

func checkAppendList[T any](t *testing.T, name string, items []T, fields fieldList[T], sel selection) {
	t.Helper()
	page := directory.Page[T]{Items: items, Total: 100000}
	out := listResponse{TotalCount: page.Total, Data: []object{}}
	for i := range page.Items {
		out.Data = append(out.Data, sel.apply(fields.render(&page.Items[i])))
	}
	var want bytes.Buffer
	if err := json.NewEncoder(&want).Encode(out); err != nil {
		t.Fatal(err)
	}
	got, err := appendList(nil, page, fields, sel)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want.String() {
		t.Errorf("%s: appendList writes\n%s\nencoding/json writes\n%s", name, got, want.Bytes())
	}
}

// BenchmarkUserPageList renders a page of 1,000 users as GET /users
// answers it, from the directory's users to the body.
func BenchmarkUserPageList(b *testing.B) {
	page := directory.Page[user]{Total: 100000, Items: make([]user, 1000)}
	for i := range page.Items {
		page.Items[i] = user{ID: "7b6f1c2e-0d1a-4c1e-9a55-3c2f2b1d0e9a", Username: "u000042", DisplayName: "Load User 42",
			Mail: "u000042@example.com", HomeDirectory: "/home/u000042", Created: time.Unix(1700000000, 0), Modified: time.Unix(1700000000, 0)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := appendList(make([]byte, 0, 512*len(page.Items)+64), page, userFields, selection{}); err != nil {
			b.Fatal(err)
		}
	}
}
