package readmodel_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestSameAnswers is the property the read model stands on: on random
// queries of the port's filter language — names and values holding every
// filter and DN metacharacter, doubled and edge spaces, capitals, non-ASCII
// letters — with random sorting and pages around the boundaries, the model
// returns exactly what the LDAP backend returns from slapd (items, order,
// total, or the same kind of error). Queries the model passes on are
// answered by the backend and so agree trivially; the test also demands
// that the model answered a good part of them itself. Group searches,
// Members and MemberOf (nested, with a cycle) are compared the same way.
func TestSameAnswers(t *testing.T) {
	// Without sortvals: after a move made on the server, refint puts the
	// moved member's value last, and so does the model; a server keeping
	// member values sorted puts it in its place (docs/backends.md).
	srv := slapd.Start(t, slapd.Options{Disable: slapd.SortVals})
	m, backend := openModel(t, srv, 2*time.Second)
	sameAnswers(t, m, backend, srv.FreshOU(t), 3)
}

// sameAnswers runs TestSameAnswers' comparisons below base, through m and
// straight to backend, and demands that the model answered at least 1 in
// minShare of the queries itself.
func sameAnswers(t *testing.T, m *readmodel.Directory, backend directory.Directory, base string, minShare int) {
	ctx := t.Context()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))

	sub, err := m.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "sub"})
	if err != nil {
		t.Fatal(err)
	}
	words := []string{"*", "(", ")", `\`, ",", "=", "+", "<", ">", "#", ";", `"`, "a b", "A  B", " lead", "trail ",
		"ann", "Anna", "ANNE", "bob", "_", "[", "^", "`", "~", "é", "jürgen", "x", "X", "y z", "0", "9"}
	var stored []*directory.User
	numbers := rng.Perm(48)
	for i := range 48 {
		w := func() string { return words[rng.IntN(len(words))] }
		nu := directory.NewUser{
			ParentDN:    base,
			Username:    fmt.Sprintf("%s%s%02d", strings.TrimSpace(w()), strings.ReplaceAll(w(), " ", ""), i),
			GivenName:   w() + w(),
			Surname:     w() + " " + w(),
			DisplayName: w() + "  " + w(),
			Mail:        fmt.Sprintf("u%d@%s.example", i, []string{"a", "B", "c"}[i%3]),
			Title:       []string{"", "Dev", "dev", "Ops", "dev ops"}[i%5],
			Description: w(),
			ExternalID:  fmt.Sprintf("ext-%d", i%7),
			UIDNumber:   int64(50000 + numbers[i]),
			System:      i%4 == 0,
		}
		if !isPlain(nu.Username) {
			nu.Username = fmt.Sprintf("jürgen%02d", i)
		}
		if i%3 == 0 {
			nu.ParentDN = sub.DN
		}
		if i%5 == 0 {
			nu.HomeDirectory = fmt.Sprintf("/home/%s%d", []string{"a", "A"}[i%2], i)
		}
		u, err := m.CreateUser(ctx, nu)
		if errors.Is(err, directory.ErrInvalidInput) {
			// AD's sAMAccountName refuses some metacharacters: the other
			// fields still hold them.
			t.Logf("CreateUser(%q): %v; again as user%02d", nu.Username, err, i)
			nu.Username = fmt.Sprintf("user%02d", i)
			u, err = m.CreateUser(ctx, nu)
		}
		if err != nil {
			if errors.Is(err, directory.ErrInvalidInput) || errors.Is(err, directory.ErrAlreadyExists) {
				t.Logf("CreateUser(%q): %v", nu.Username, err)
				continue
			}
			t.Fatalf("CreateUser(%q): %v", nu.Username, err)
		}
		stored = append(stored, u)
	}
	if len(stored) < 30 {
		t.Fatalf("only %d users stored", len(stored))
	}

	gen := &filterGen{rng: rng, users: stored, words: words}
	before := m.Stats()
	const n = 600
	for i := range n {
		q := gen.query(base, sub.DN)
		got, gotErr := m.SearchUsers(ctx, q)
		want, wantErr := backend.SearchUsers(ctx, q)
		if (gotErr == nil) != (wantErr == nil) || gotErr != nil && identity.Kind(gotErr) != identity.Kind(wantErr) {
			t.Fatalf("query %d %s:\n model error %v\n directory error %v", i, describe(q), gotErr, wantErr)
		}
		if !reflect.DeepEqual(names(got.Items), names(want.Items)) || got.Total != want.Total {
			t.Fatalf("query %d %s:\n model     %d %q\n directory %d %q", i, describe(q), got.Total, names(got.Items), want.Total, names(want.Items))
		}
		if !reflect.DeepEqual(got.Items, want.Items) {
			t.Fatalf("query %d %s: same users, other contents:\n model     %+v\n directory %+v", i, describe(q), got.Items, want.Items)
		}
	}
	after := m.Stats()
	served, routed := after.Served-before.Served, after.Routed-before.Routed
	t.Logf("%d queries: %d answered by the model, %d by the directory", n, served, routed)
	// The data is built to hold values the model must pass on (edge and
	// doubled spaces, non-ASCII names that decide default sorts): about
	// half the queries meet one.
	if served < int64(n/minShare) {
		t.Errorf("the model answered only %d of %d queries", served, n)
	}

	groups := sameGroups(t, m, backend, rng, base, sub.DN, words, stored)
	sameMemberships(t, m, backend, rng, stored, groups)
}

// sameGroups makes groups with metacharacter names, nested and holding
// users, and compares group searches.
func sameGroups(t *testing.T, m, backend directory.Directory, rng *rand.Rand, base, sub string, words []string, users []*directory.User) []*directory.Group {
	ctx := t.Context()
	var groups []*directory.Group
	for i := range 16 {
		w := func() string { return words[rng.IntN(len(words))] }
		ng := directory.NewGroup{ParentDN: base, Name: fmt.Sprintf("%s%sg%02d", strings.TrimSpace(w()), strings.ReplaceAll(w(), " ", ""), i),
			Description: w() + " " + w(), GIDNumber: int64(60000 + i), System: i%3 == 0}
		if i%2 == 0 {
			ng.ParentDN = sub
		}
		for range rng.IntN(6) {
			ng.Members = append(ng.Members, directory.PrincipalRef{Type: directory.PrincipalUser, Ref: directory.ByID(users[rng.IntN(len(users))].ID)})
		}
		if len(groups) > 0 && rng.IntN(2) == 0 {
			ng.Members = append(ng.Members, directory.PrincipalRef{Type: directory.PrincipalGroup, Ref: directory.ByID(groups[rng.IntN(len(groups))].ID)})
		}
		g, err := m.CreateGroup(ctx, ng)
		if err != nil {
			t.Logf("CreateGroup(%q): %v", ng.Name, err)
			continue
		}
		groups = append(groups, g)
	}
	// A cycle, which walks must end.
	if len(groups) > 2 {
		_ = m.AddMember(ctx, directory.ByID(groups[0].ID), directory.PrincipalRef{Type: directory.PrincipalGroup, Ref: directory.ByID(groups[len(groups)-1].ID)})
	}
	fields := []directory.Field{directory.FieldName, directory.FieldDescription}
	for i := range 200 {
		f := fields[rng.IntN(len(fields))]
		g := groups[rng.IntN(len(groups))]
		v := g.Name
		if f == directory.FieldDescription {
			v = g.Description
		}
		if rng.IntN(3) == 0 {
			v = words[rng.IntN(len(words))]
		}
		var filter directory.Filter
		switch rng.IntN(5) {
		case 0:
			filter = directory.Eq(f, strings.ToUpper(v))
		case 1:
			filter = directory.Contains(f, v)
		case 2:
			filter = directory.Or{directory.StartsWith(f, v), directory.BoolEq(directory.FieldSystem, true)}
		case 3:
			filter = directory.Not{Filter: directory.In(directory.FieldGIDNumber, "60001", fmt.Sprint(g.GIDNumber))}
		}
		q := directory.Query{Base: []string{"", base, sub}[rng.IntN(3)], Filter: filter, Limit: rng.IntN(4), Offset: rng.IntN(3)}
		if rng.IntN(2) == 0 {
			q.Sort = []directory.SortKey{{Field: directory.FieldGIDNumber, Descending: true}}
		}
		got, gotErr := m.SearchGroups(ctx, q)
		want, wantErr := backend.SearchGroups(ctx, q)
		if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
			t.Fatalf("group query %d %s:\n model     %+v %v\n directory %+v %v", i, describe(q), got, gotErr, want, wantErr)
		}
	}
	return groups
}

// sameMemberships compares Members and MemberOf, direct and nested, for
// every group and user.
func sameMemberships(t *testing.T, m, backend directory.Directory, rng *rand.Rand, users []*directory.User, groups []*directory.Group) {
	ctx := t.Context()
	for _, g := range groups {
		for _, indirect := range []bool{false, true} {
			got, gotErr := m.Members(ctx, directory.ByDN(g.DN), indirect)
			want, wantErr := backend.Members(ctx, directory.ByDN(g.DN), indirect)
			if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
				t.Fatalf("Members(%s, %v):\n model     %+v %v\n directory %+v %v", g.Name, indirect, got, gotErr, want, wantErr)
			}
			p := directory.PrincipalRef{Type: directory.PrincipalGroup, Ref: directory.ByID(g.ID)}
			gotOf, gotErr := m.MemberOf(ctx, p, indirect)
			wantOf, wantErr := backend.MemberOf(ctx, p, indirect)
			if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(gotOf, wantOf) {
				t.Fatalf("MemberOf(group %s, %v):\n model     %+v %v\n directory %+v %v", g.Name, indirect, gotOf, gotErr, wantOf, wantErr)
			}
		}
	}
	for _, u := range users {
		for _, indirect := range []bool{false, true} {
			ref := []directory.Ref{directory.ByID(u.ID), directory.ByDN(u.DN), directory.ByName(u.Username)}[rng.IntN(3)]
			p := directory.PrincipalRef{Type: directory.PrincipalUser, Ref: ref}
			got, gotErr := m.MemberOf(ctx, p, indirect)
			want, wantErr := backend.MemberOf(ctx, p, indirect)
			if (gotErr == nil) != (wantErr == nil) || !reflect.DeepEqual(got, want) {
				t.Fatalf("MemberOf(%s, %v):\n model     %+v %v\n directory %+v %v", u.Username, indirect, got, gotErr, want, wantErr)
			}
		}
	}
}

func isPlain(s string) bool { return !strings.ContainsAny(s, "é") }

func names(us []directory.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

func describe(q directory.Query) string {
	return fmt.Sprintf("{base %q scope %d filter %#v sort %v offset %d limit %d}", q.Base, q.Scope, q.Filter, q.Sort, q.Offset, q.Limit)
}

// filterGen makes random queries over the stored users' values.
type filterGen struct {
	rng   *rand.Rand
	users []*directory.User
	words []string
}

var textFields = []directory.Field{directory.FieldUsername, directory.FieldGivenName, directory.FieldSurname,
	directory.FieldDisplayName, directory.FieldMail, directory.FieldTitle, directory.FieldDescription,
	directory.FieldExternalID, directory.FieldHomeDirectory}

func (g *filterGen) value(f directory.Field) string {
	u := g.users[g.rng.IntN(len(g.users))]
	var v string
	switch f {
	case directory.FieldUsername:
		v = u.Username
	case directory.FieldGivenName:
		v = u.GivenName
	case directory.FieldSurname:
		v = u.Surname
	case directory.FieldDisplayName:
		v = u.DisplayName
	case directory.FieldMail:
		v = u.Mail
	case directory.FieldTitle:
		v = u.Title
	case directory.FieldDescription:
		v = u.Description
	case directory.FieldExternalID:
		v = u.ExternalID
	case directory.FieldHomeDirectory:
		v = u.HomeDirectory
	}
	switch g.rng.IntN(6) {
	case 0:
		return g.words[g.rng.IntN(len(g.words))]
	case 1:
		return strings.ToUpper(v)
	case 2:
		if len(v) > 2 {
			i := g.rng.IntN(len(v) - 1)
			return v[i : i+1+g.rng.IntN(len(v)-i-1)]
		}
	}
	return v
}

func (g *filterGen) filter(depth int) directory.Filter {
	if depth > 0 && g.rng.IntN(3) == 0 {
		var kids []directory.Filter
		for range 1 + g.rng.IntN(3) {
			kids = append(kids, g.filter(depth-1))
		}
		switch g.rng.IntN(3) {
		case 0:
			return directory.And(kids)
		case 1:
			return directory.Or(kids)
		default:
			return directory.Not{Filter: kids[0]}
		}
	}
	switch g.rng.IntN(10) {
	case 0:
		u := g.users[g.rng.IntN(len(g.users))]
		return directory.In(directory.FieldUIDNumber, fmt.Sprint(u.UIDNumber), "50003", "+50004")
	case 1:
		return directory.BoolEq(directory.FieldSystem, g.rng.IntN(2) == 0)
	case 2:
		u := g.users[g.rng.IntN(len(g.users))]
		if g.rng.IntN(2) == 0 {
			return directory.Eq(directory.FieldID, strings.ToUpper(u.ID))
		}
		return directory.Eq(directory.FieldDN, strings.ToUpper(u.DN))
	case 3:
		u := g.users[g.rng.IntN(len(g.users))]
		if g.rng.IntN(2) == 0 {
			return directory.Before(directory.FieldCreated, u.Created.Add(time.Duration(g.rng.IntN(3)-1)*time.Second))
		}
		return directory.After(directory.FieldModified, u.Modified.Add(-time.Duration(g.rng.IntN(2))*time.Second))
	case 4:
		return directory.Present(textFields[g.rng.IntN(len(textFields))])
	}
	f := textFields[g.rng.IntN(len(textFields))]
	switch g.rng.IntN(4) {
	case 0:
		return directory.Contains(f, g.value(f))
	case 1:
		return directory.StartsWith(f, g.value(f))
	case 2:
		return directory.In(f, g.value(f), g.value(f))
	}
	return directory.Eq(f, g.value(f))
}

func (g *filterGen) query(base, sub string) directory.Query {
	q := directory.Query{Base: base, Filter: g.filter(3)}
	switch g.rng.IntN(4) {
	case 0:
		q.Base = sub
	case 1:
		q.Scope = directory.ScopeOneLevel
	case 2:
		q.Base = ""
	}
	sortable := append([]directory.Field{directory.FieldUIDNumber, directory.FieldCreated, directory.FieldSystem,
		directory.FieldDN, directory.FieldID}, textFields...)
	for range g.rng.IntN(3) {
		q.Sort = append(q.Sort, directory.SortKey{Field: sortable[g.rng.IntN(len(sortable))], Descending: g.rng.IntN(2) == 0})
	}
	if len(q.Sort) > 0 {
		// A total order: the server's sorted view and the backend's own
		// sort break ties differently, which no model can follow.
		q.Sort = append(q.Sort, directory.SortKey{Field: directory.FieldUsername, Descending: g.rng.IntN(2) == 0})
	}
	switch g.rng.IntN(4) {
	case 0:
	case 1:
		q.Limit = 1 + g.rng.IntN(5)
		q.Offset = g.rng.IntN(12)
	case 2:
		q.Limit = 10
		q.Offset = []int{0, 9, 10, 11, 47, 48, 100}[g.rng.IntN(7)]
	default:
		q.Offset = g.rng.IntN(3)
		q.Limit = 48
	}
	return q
}
