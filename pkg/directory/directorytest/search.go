package directorytest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

var searchTests = []test{
	{"Operators", testSearchOperators},
	{"Ordering", testSearchOrdering},
	{"InvalidQueries", testSearchInvalid},
	{"Sort", testSearchSort},
	{"Paging", testSearchPaging},
	{"Scope", testSearchScope},
}

func testSearchOperators(t *testing.T, e *env) {
	gid, gid2 := number(), number()
	mk := func(nu directory.NewUser) *directory.User {
		t.Helper()
		if nu.GIDNumber == 0 {
			nu.GIDNumber = gid
		}
		nu.UIDNumber = number()
		return e.mkUser(t, nu)
	}
	s1 := mk(directory.NewUser{Username: e.name(t, "a"), GivenName: "Anna", Surname: "Berg", DisplayName: "Anna Berg",
		Mail: e.name(t, "a") + "@example.com", Mobile: []string{"+49 170 1", "+49 170 2"}, Title: "Engineer"})
	s2 := mk(directory.NewUser{Username: e.name(t, "B"), GivenName: "Bernd", Surname: "Bergmann", DisplayName: "Bernd Bergmann",
		Mail: e.name(t, "b") + "@example.com", Title: "Manager", Disabled: true})
	s3 := mk(directory.NewUser{Username: e.name(t, "c"), GivenName: "Carla", Surname: "Schmidt", DisplayName: "Carla Schmidt",
		Mobile: []string{"+49 170 3"}, System: true, GIDNumber: gid2})
	s4 := mk(directory.NewUser{Username: e.name(t, "d"), GivenName: "Dieter", Surname: "Berg", DisplayName: "Dieter Berg",
		Mail: e.name(t, "d") + "@example.com", MustChangePassword: true, InvitationPending: true})
	s5 := mk(directory.NewUser{Username: e.name(t, "e"), GivenName: "Eva", Surname: "Schmidt", DisplayName: "Eva Schmidt",
		Telephone: "+49 30 5555", UserPrincipalName: e.name(t, "e") + "@corp.example", HomeDirectory: "/home/eva" + e.tok,
		ExternalID: "ext-eva-" + e.tok, Description: "Head of things"})
	all := []*directory.User{s1, s2, s3, s4, s5}
	names := func(us ...*directory.User) []string {
		out := make([]string, len(us))
		for i, u := range us {
			out[i] = u.Username
		}
		return out
	}
	num := func(n int64) string { return fmt.Sprint(n) }
	past, future := time.Now().Add(-25*time.Hour), time.Now().Add(25*time.Hour)

	cases := []struct {
		f    directory.Filter
		want []*directory.User
	}{
		{nil, all},
		{directory.Eq(directory.FieldUsername, strings.ToUpper(s1.Username)), []*directory.User{s1}},
		{directory.Eq(directory.FieldMail, strings.ToUpper(s2.Mail)), []*directory.User{s2}},
		{directory.Eq(directory.FieldGivenName, "eva"), []*directory.User{s5}},
		{directory.Eq(directory.FieldTitle, "engineer"), []*directory.User{s1}},
		{directory.Eq(directory.FieldTelephone, s5.Telephone), []*directory.User{s5}},
		{directory.Eq(directory.FieldUserPrincipalName, s5.UserPrincipalName), []*directory.User{s5}},
		{directory.Eq(directory.FieldHomeDirectory, s5.HomeDirectory), []*directory.User{s5}},
		{directory.Eq(directory.FieldExternalID, s5.ExternalID), []*directory.User{s5}},
		{directory.Eq(directory.FieldDescription, "head of things"), []*directory.User{s5}},
		{directory.Eq(directory.FieldMobile, "+49 170 2"), []*directory.User{s1}},
		{directory.Eq(directory.FieldID, s5.ID), []*directory.User{s5}},
		{directory.Eq(directory.FieldDN, otherSpelling(s3.DN)), []*directory.User{s3}},
		{directory.Contains(directory.FieldDisplayName, "BERG"), []*directory.User{s1, s2, s4}},
		{directory.Contains(directory.FieldMail, "@Example."), []*directory.User{s1, s2, s4}},
		{directory.Contains(directory.FieldSurname, "chmi"), []*directory.User{s3, s5}},
		{directory.StartsWith(directory.FieldSurname, "berg"), []*directory.User{s1, s2, s4}},
		{directory.StartsWith(directory.FieldUsername, "b"), []*directory.User{s2}},
		{directory.StartsWith(directory.FieldDisplayName, "Carla S"), []*directory.User{s3}},
		{directory.EndsWith(directory.FieldMail, "@EXAMPLE.com"), []*directory.User{s1, s2, s4}},
		{directory.EndsWith(directory.FieldSurname, "MANN"), []*directory.User{s2}},
		{directory.EndsWith(directory.FieldUsername, e.tok), all},
		{directory.EndsWith(directory.FieldMobile, " 3"), []*directory.User{s3}},
		{directory.EndsWith(directory.FieldDisplayName, "Berg"), []*directory.User{s1, s4}},
		{directory.Not{Filter: directory.EndsWith(directory.FieldDisplayName, "berg")}, []*directory.User{s2, s3, s5}},
		{directory.Present(directory.FieldMail), []*directory.User{s1, s2, s4}},
		{directory.Present(directory.FieldMobile), []*directory.User{s1, s3}},
		{directory.Present(directory.FieldTitle), []*directory.User{s1, s2}},
		{directory.Present(directory.FieldDescription), []*directory.User{s5}},
		{directory.Not{Filter: directory.Present(directory.FieldMail)}, []*directory.User{s3, s5}},
		{directory.In(directory.FieldUsername, s1.Username, s3.Username, e.name(t, "nx")), []*directory.User{s1, s3}},
		{directory.In(directory.FieldUIDNumber, num(s1.UIDNumber), num(s3.UIDNumber)), []*directory.User{s1, s3}},
		{directory.In(directory.FieldSurname, "SCHMIDT", "nobody"), []*directory.User{s3, s5}},
		{directory.Eq(directory.FieldUIDNumber, num(s2.UIDNumber)), []*directory.User{s2}},
		{directory.Eq(directory.FieldGIDNumber, num(gid2)), []*directory.User{s3}},
		{directory.BoolEq(directory.FieldEnabled, false), []*directory.User{s2}},
		{directory.BoolEq(directory.FieldEnabled, true), []*directory.User{s1, s3, s4, s5}},
		{directory.BoolEq(directory.FieldSystem, true), []*directory.User{s3}},
		{directory.BoolEq(directory.FieldMustChange, true), []*directory.User{s4}},
		{directory.BoolEq(directory.FieldInvitationPending, true), []*directory.User{s4}},
		{directory.BoolEq(directory.FieldLocked, false), all},
		{directory.After(directory.FieldCreated, past), all},
		{directory.Before(directory.FieldCreated, past), nil},
		{directory.After(directory.FieldCreated, future), nil},
		{directory.Before(directory.FieldModified, future), all},
		{directory.And{directory.StartsWith(directory.FieldSurname, "berg"), directory.BoolEq(directory.FieldEnabled, true)}, []*directory.User{s1, s4}},
		{directory.Or{directory.Eq(directory.FieldUsername, s3.Username), directory.Eq(directory.FieldTitle, "Manager")}, []*directory.User{s2, s3}},
		{directory.Not{Filter: directory.Or{directory.StartsWith(directory.FieldSurname, "Berg"), directory.Present(directory.FieldMobile)}}, []*directory.User{s5}},
		{directory.And{
			directory.Or{directory.Eq(directory.FieldGIDNumber, num(gid)), directory.Eq(directory.FieldGIDNumber, num(gid2))},
			directory.Not{Filter: directory.Eq(directory.FieldUsername, s1.Username)},
		}, []*directory.User{s2, s3, s4, s5}},
		{directory.And{}, all},
		{directory.Or{}, nil},
		{directory.Not{Filter: directory.Or{}}, all},
		{directory.Not{Filter: directory.And{}}, nil},
	}
	for _, c := range cases {
		p := e.searchUsers(t, directory.Query{Filter: c.f})
		what := "SearchUsers(" + describeFilter(c.f) + ")"
		sameSet(t, what, usernames(p.Items), names(c.want...))
		if p.Total != len(p.Items) {
			t.Errorf("%s: Total %d for %d items without a limit", what, p.Total, len(p.Items))
		}
	}
	// Found users carry every field, as GetUser returns them.
	p := e.searchUsers(t, directory.Query{Filter: directory.Eq(directory.FieldID, s5.ID)})
	if len(p.Items) == 1 {
		checkUser(t, "SearchUsers item", &p.Items[0], e.getUser(t, directory.ByID(s5.ID)))
	}
	// Base "" is the whole directory.
	whole, err := e.dir.SearchUsers(t.Context(), directory.Query{Filter: directory.In(directory.FieldUsername, names(all...)...)})
	must(t, "SearchUsers(whole base)", err)
	sameSet(t, "SearchUsers(whole base)", usernames(whole.Items), names(all...))
}

func testSearchInvalid(t *testing.T, e *env) {
	e.mkUser(t, directory.NewUser{Username: e.name(t, "iv")})
	for _, q := range []directory.Query{
		{Filter: directory.Eq("noSuchField", "x")},
		{Filter: directory.Eq(directory.FieldName, "x")}, // a group field
		{Filter: directory.Contains(directory.FieldUIDNumber, "1")},
		{Filter: directory.Eq(directory.FieldUIDNumber, "one")},
		{Filter: directory.Eq(directory.FieldEnabled, "yes")},
		{Filter: directory.Before(directory.FieldUsername, time.Now())},
		{Filter: directory.Cond{Field: directory.FieldCreated, Op: directory.OpAfter, Values: []string{"yesterday"}}},
		{Filter: directory.Cond{Field: directory.FieldUsername, Op: "like", Values: []string{"x"}}},
		{Filter: directory.Cond{Field: directory.FieldUsername, Op: directory.OpIn}},
		{Filter: directory.And{directory.Present(directory.FieldMail), directory.Eq("noSuchField", "x")}},
		{Filter: directory.Not{Filter: directory.Eq("noSuchField", "x")}},
		{Filter: directory.Eq(directory.AttributeField("dirgateNoSuchAttribute"), "x")},
		{Filter: directory.EndsWith(directory.FieldUIDNumber, "1")},
		{Filter: directory.EndsWith(directory.FieldCreated, "Z")},
		{Filter: directory.AtLeast(directory.FieldUIDNumber, "one")},
		{Filter: directory.AtMost(directory.FieldCreated, "yesterday")},
		{Filter: directory.AtLeast(directory.FieldSystem, "false")},
		{Filter: directory.AtLeast(directory.FieldUsername, "m")},
		{Filter: directory.AtLeast(directory.FieldExternalID, "x\x00y")},
		{Sort: []directory.SortKey{{Field: "noSuchField"}}},
	} {
		q.Base = e.base
		_, err := e.dir.SearchUsers(t.Context(), q)
		wantErr(t, "SearchUsers("+describe(q)+")", err, directory.ErrInvalidInput)
	}
}

func testSearchSort(t *testing.T, e *env) {
	// uidNumbers of 7 and 8 digits: a text sort orders them differently
	// from a numeric one.
	r := rand.Int64N(400_000)
	a := e.mkUser(t, directory.NewUser{Username: e.name(t, "a"), Surname: "Zed", UIDNumber: 10_000_000 + r})
	b := e.mkUser(t, directory.NewUser{Username: e.name(t, "B"), Surname: "Alpha", UIDNumber: 9_000_000 + r})
	c := e.mkUser(t, directory.NewUser{Username: e.name(t, "c"), Surname: "Alpha", UIDNumber: 20_000_000 + r})
	d := e.mkUser(t, directory.NewUser{Username: e.name(t, "D"), Surname: "Zed", UIDNumber: 9_500_000 + r})
	order := func(us ...*directory.User) []string {
		out := make([]string, len(us))
		for i, u := range us {
			out[i] = u.Username
		}
		return out
	}
	for _, tc := range []struct {
		what string
		sort []directory.SortKey
		want []string
	}{
		{"username (case-insensitive)", []directory.SortKey{{Field: directory.FieldUsername}}, order(a, b, c, d)},
		{"username descending", []directory.SortKey{{Field: directory.FieldUsername, Descending: true}}, order(d, c, b, a)},
		{"uidNumber (numeric)", []directory.SortKey{{Field: directory.FieldUIDNumber}}, order(b, d, a, c)},
		{"uidNumber descending", []directory.SortKey{{Field: directory.FieldUIDNumber, Descending: true}}, order(c, a, d, b)},
		{"surname, then username descending", []directory.SortKey{
			{Field: directory.FieldSurname}, {Field: directory.FieldUsername, Descending: true},
		}, order(c, b, d, a)},
	} {
		p := e.searchUsers(t, directory.Query{Sort: tc.sort})
		if got := usernames(p.Items); !slices.Equal(got, tc.want) {
			t.Errorf("SearchUsers sorted by %s = %q, want %q", tc.what, got, tc.want)
		}
	}
	p := e.searchUsers(t, directory.Query{Sort: []directory.SortKey{{Field: directory.FieldUsername}}, Offset: 1, Limit: 2})
	if got := usernames(p.Items); !slices.Equal(got, order(b, c)) || p.Total != 4 {
		t.Errorf("SearchUsers sorted, offset 1 limit 2 = %q (Total %d), want %q (Total 4)", got, p.Total, order(b, c))
	}
}

// pages reads a whole result set page by page, checking every page.
func (e *env) pages(t *testing.T, q directory.Query, size, wantTotal int) []string {
	t.Helper()
	var got []string
	for q.Offset = 0; q.Offset < wantTotal+size; q.Offset += size {
		q.Limit = size
		p := e.searchUsers(t, q)
		if p.Total != wantTotal {
			t.Errorf("page at offset %d: Total %d, want %d", q.Offset, p.Total, wantTotal)
		}
		want := min(size, max(0, wantTotal-q.Offset))
		if len(p.Items) != want {
			t.Errorf("page at offset %d: %d items, want %d", q.Offset, len(p.Items), want)
		}
		got = append(got, usernames(p.Items)...)
	}
	return got
}

func testSearchPaging(t *testing.T, e *env) {
	const n = 23
	var all []string
	for i := range n {
		u := e.mkUser(t, directory.NewUser{Username: e.name(t, "p") + fmt.Sprintf("%02d", i)})
		all = append(all, u.Username)
	}
	sorted := directory.Query{Sort: []directory.SortKey{{Field: directory.FieldUsername}}}
	full := usernames(e.searchUsers(t, sorted).Items)
	if !slices.Equal(full, all) {
		t.Fatalf("SearchUsers sorted by username = %q, want %q", full, all)
	}
	// Pages concatenate to the full result: every entry exactly once, in
	// order.
	if got := e.pages(t, sorted, 5, n); !slices.Equal(got, all) {
		t.Errorf("pages of 5, sorted = %q, want %q", got, all)
	}
	desc := directory.Query{Sort: []directory.SortKey{{Field: directory.FieldUsername, Descending: true}}}
	rev := slices.Clone(all)
	slices.Reverse(rev)
	if got := e.pages(t, desc, 4, n); !slices.Equal(got, rev) {
		t.Errorf("pages of 4, sorted descending = %q, want %q", got, rev)
	}
	// Without a sort key the backend's own order must still be stable.
	unsorted := e.pages(t, directory.Query{}, 7, n)
	sameSet(t, "pages of 7, unsorted", unsorted, all)
	// With a filter, Total counts the matches.
	teens := directory.Query{Filter: directory.StartsWith(directory.FieldUsername, e.name(t, "p")+"1"), Sort: sorted.Sort}
	if got := e.pages(t, teens, 4, 10); !slices.Equal(got, all[10:20]) {
		t.Errorf("filtered pages of 4 = %q, want %q", got, all[10:20])
	}
	for _, off := range []int{n, n + 100} {
		p := e.searchUsers(t, directory.Query{Offset: off, Limit: 5})
		if len(p.Items) != 0 || p.Total != n {
			t.Errorf("offset %d: %d items, Total %d; want none, Total %d", off, len(p.Items), p.Total, n)
		}
	}
	if p := e.searchUsers(t, directory.Query{Limit: 0}); len(p.Items) != n || p.Total != n {
		t.Errorf("limit 0: %d items, Total %d; want %d and %d", len(p.Items), p.Total, n, n)
	}
}

func testSearchScope(t *testing.T, e *env) {
	ctx := t.Context()
	people := e.mkOU(t, "", "people")
	deep := e.mkOU(t, people.DN, "deep")
	u0 := e.mkUser(t, directory.NewUser{Username: e.name(t, "s0")})
	u1 := e.mkUser(t, directory.NewUser{ParentDN: people.DN, Username: e.name(t, "s1")})
	u2 := e.mkUser(t, directory.NewUser{ParentDN: deep.DN, Username: e.name(t, "s2")})
	for _, c := range []struct {
		base  string
		scope directory.Scope
		want  []string
	}{
		{e.base, directory.ScopeSubtree, []string{u0.Username, u1.Username, u2.Username}},
		{e.base, directory.ScopeOneLevel, []string{u0.Username}},
		{people.DN, directory.ScopeOneLevel, []string{u1.Username}},
		{otherSpelling(people.DN), directory.ScopeSubtree, []string{u1.Username, u2.Username}},
		{deep.DN, directory.ScopeSubtree, []string{u2.Username}},
		// A user's own DN as the base finds the user: how a caller limited
		// to itself searches.
		{u1.DN, directory.ScopeSubtree, []string{u1.Username}},
		{u1.DN, directory.ScopeOneLevel, nil},
	} {
		p := e.searchUsers(t, directory.Query{Base: c.base, Scope: c.scope})
		sameSet(t, fmt.Sprintf("SearchUsers(base %s, scope %d)", c.base, c.scope), usernames(p.Items), c.want)
		if p.Total != len(c.want) {
			t.Errorf("SearchUsers(base %s, scope %d): Total %d, want %d", c.base, c.scope, p.Total, len(c.want))
		}
	}
	_, err := e.dir.SearchUsers(ctx, directory.Query{Base: directory.ChildDN("ou", "missing", e.base)})
	wantErr(t, "SearchUsers(missing base)", err, directory.ErrNotFound)
	_, err = e.dir.SearchUsers(ctx, directory.Query{Base: "not a dn"})
	wantErr(t, "SearchUsers(base that is no DN)", err, directory.ErrInvalidInput)
}
