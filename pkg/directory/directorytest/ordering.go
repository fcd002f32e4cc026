package directorytest

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// testSearchOrdering: atLeast and atMost compare numbers as numbers, times
// as times and text without regard to case, include the bound itself, and
// never match an entry lacking the field. SCIM's strict gt is composed
// from them as the port's doc says.
func testSearchOrdering(t *testing.T, e *env) {
	// uidNumbers of 7 and 8 digits: compared as text, 9,500,000 would
	// come after 10,000,000.
	r := rand.Int64N(400_000)
	// An extra attribute, if the backend has one: "5" for a, "7" for b.
	extra := ""
	if len(e.caps.ExtraAttributes) > 0 {
		extra = e.caps.ExtraAttributes[0]
	}
	mk := func(prefix string, uid int64, ext, upn, x string) *directory.User {
		t.Helper()
		nu := directory.NewUser{Username: e.name(t, prefix), UIDNumber: uid, GIDNumber: uid, ExternalID: ext, UserPrincipalName: upn}
		if extra != "" && x != "" {
			nu.Attributes = map[string][]string{extra: {x}}
		}
		u := e.mkUser(t, nu)
		return e.getUser(t, directory.ByID(u.ID)) // times as the backend stored them
	}
	a := mk("a", 9_000_000+r, "ext-B-"+e.tok, "alpha."+e.tok+"@corp.example", "5")
	b := mk("b", 9_500_000+r, "ext-a-"+e.tok, "Beta."+e.tok+"@corp.example", "7")
	c := mk("c", 10_000_000+r, "EXT-c-"+e.tok, "", "")
	d := mk("d", 20_000_000+r, "", "", "")
	all := []*directory.User{a, b, c, d}
	num := func(n int64) string { return fmt.Sprint(n) }
	at := func(ts time.Time) string { return ts.UTC().Format(time.RFC3339Nano) }
	// Times: the users' own, as stored (whole seconds on LDAP servers).
	created := func(keep func(time.Time) bool) []*directory.User {
		var out []*directory.User
		for _, u := range all {
			if keep(u.Created) {
				out = append(out, u)
			}
		}
		return out
	}
	past, future := time.Now().Add(-25*time.Hour), time.Now().Add(25*time.Hour)
	half := b.Created.Add(500 * time.Millisecond)

	for _, tc := range []struct {
		f    directory.Filter
		want []*directory.User
	}{
		{directory.AtLeast(directory.FieldUIDNumber, num(b.UIDNumber)), []*directory.User{b, c, d}},
		{directory.AtMost(directory.FieldUIDNumber, num(c.UIDNumber)), []*directory.User{a, b, c}},
		{directory.AtLeast(directory.FieldUIDNumber, "2000000000"), nil},
		{directory.AtMost(directory.FieldGIDNumber, num(a.GIDNumber-1)), nil},
		{directory.And{directory.AtLeast(directory.FieldUIDNumber, num(b.UIDNumber)), directory.AtMost(directory.FieldUIDNumber, num(c.UIDNumber))},
			[]*directory.User{b, c}},
		// SCIM's "uidNumber gt b": at least b, and not b.
		{directory.And{directory.AtLeast(directory.FieldUIDNumber, num(b.UIDNumber)), directory.Not{Filter: directory.Eq(directory.FieldUIDNumber, num(b.UIDNumber))}},
			[]*directory.User{c, d}},
		{directory.Not{Filter: directory.AtLeast(directory.FieldUIDNumber, num(c.UIDNumber))}, []*directory.User{a, b}},

		// Text: case ignored, the bound included, no value no match.
		{directory.AtLeast(directory.FieldExternalID, "EXT-b"), []*directory.User{a, c}},
		{directory.AtMost(directory.FieldExternalID, "ext-b-"+e.tok), []*directory.User{a, b}},
		{directory.Not{Filter: directory.AtLeast(directory.FieldExternalID, "ext-b")}, []*directory.User{b, d}},
		{directory.Or{directory.AtMost(directory.FieldExternalID, "ext-a-"+e.tok), directory.AtLeast(directory.FieldExternalID, "ext-c")},
			[]*directory.User{b, c}},
		{directory.AtLeast(directory.FieldUserPrincipalName, "b"), []*directory.User{b}},
		{directory.AtMost(directory.FieldUserPrincipalName, "BETA"), []*directory.User{a}},

		// Times, at a user's own creation time, and half a second and a
		// nanosecond after it. before and after exclude the bound.
		{directory.AtLeast(directory.FieldCreated, at(b.Created)), created(func(c time.Time) bool { return !c.Before(b.Created) })},
		{directory.AtMost(directory.FieldCreated, at(b.Created)), created(func(c time.Time) bool { return !c.After(b.Created) })},
		{directory.After(directory.FieldCreated, b.Created), created(func(c time.Time) bool { return c.After(b.Created) })},
		{directory.Before(directory.FieldCreated, b.Created), created(func(c time.Time) bool { return c.Before(b.Created) })},
		{directory.AtLeast(directory.FieldCreated, at(half)), created(func(c time.Time) bool { return !c.Before(half) })},
		{directory.AtMost(directory.FieldCreated, at(half)), created(func(c time.Time) bool { return !c.After(half) })},
		{directory.After(directory.FieldCreated, half), created(func(c time.Time) bool { return c.After(half) })},
		{directory.Before(directory.FieldCreated, half), created(func(c time.Time) bool { return c.Before(half) })},
		{directory.AtLeast(directory.FieldCreated, at(d.Created.Add(time.Nanosecond))),
			created(func(c time.Time) bool { return !c.Before(d.Created.Add(time.Nanosecond)) })},
		{directory.AtMost(directory.FieldCreated, at(a.Created.Add(-time.Millisecond))), nil},
		{directory.AtLeast(directory.FieldCreated, at(past)), all},
		{directory.AtMost(directory.FieldModified, at(future)), all},
		{directory.AtLeast(directory.FieldModified, at(future)), nil},
	} {
		p := e.searchUsers(t, directory.Query{Filter: tc.f})
		what := "SearchUsers(" + describeFilter(tc.f) + ")"
		var want []string
		for _, u := range tc.want {
			want = append(want, u.Username)
		}
		sameSet(t, what, usernames(p.Items), want)
		if p.Total != len(p.Items) {
			t.Errorf("%s: Total %d for %d items", what, p.Total, len(p.Items))
		}
	}
	// Groups order by gidNumber too.
	g1 := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "g1"), GIDNumber: 9_000_000 + r})
	g2 := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "g2"), GIDNumber: 10_000_000 + r})
	gp := e.searchGroups(t, directory.Query{Filter: directory.AtLeast(directory.FieldGIDNumber, num(9_500_000+r))})
	sameSet(t, "SearchGroups(gidNumber atLeast 9,500,000+r)", groupNames(gp.Items), []string{g2.Name})
	gp = e.searchGroups(t, directory.Query{Filter: directory.AtMost(directory.FieldGIDNumber, num(g2.GIDNumber))})
	sameSet(t, "SearchGroups(gidNumber atMost g2)", groupNames(gp.Items), []string{g1.Name, g2.Name})

	// Fields without an ordering are refused alike by every backend: in
	// OpenLDAP's schema uid, mail, displayName... have no ORDERING rule,
	// and the server would silently match nothing.
	for _, f := range []directory.Filter{
		directory.AtLeast(directory.FieldUsername, "m"),
		directory.AtMost(directory.FieldMail, "m"),
		directory.Not{Filter: directory.AtLeast(directory.FieldDisplayName, "m")},
		directory.Or{directory.Present(directory.FieldMail), directory.AtMost(directory.FieldSurname, "m")},
		directory.AtLeast(directory.FieldEnabled, "true"),
		directory.AtLeast(directory.FieldID, a.ID),
	} {
		_, err := e.dir.SearchUsers(t.Context(), directory.Query{Base: e.base, Filter: f})
		wantErr(t, "SearchUsers("+describeFilter(f)+")", err, directory.ErrInvalidInput)
	}

	// An extra attribute orders where the backend's schema says so;
	// elsewhere it is refused, never answered wrongly.
	if extra == "" {
		t.Log("no ExtraAttributes: ordering of extra attributes not checked")
		return
	}
	f := directory.AtLeast(directory.AttributeField(extra), "6")
	p, err := e.dir.SearchUsers(t.Context(), directory.Query{Base: e.base, Filter: f})
	switch {
	case errors.Is(err, directory.ErrInvalidInput):
		t.Logf("SearchUsers(%s): refused: %v", describeFilter(f), err)
	case err != nil:
		t.Errorf("SearchUsers(%s): %v, want the answer or ErrInvalidInput", describeFilter(f), err)
	default:
		sameSet(t, "SearchUsers("+describeFilter(f)+")", usernames(p.Items), []string{b.Username})
	}
}
