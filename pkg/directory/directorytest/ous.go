package directorytest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

var ouTests = []test{
	{"CreateGet", testOUCreateGet},
	{"ListChildren", testOUListChildren},
	{"Delete", testOUDelete},
	{"Protected", testOUProtected},
	{"Resolve", testResolve},
	{"OnlyContainersHoldEntries", testOnlyContainersHoldEntries},
}

// diffOU lists how got differs from want (ID and DN when want has them).
func diffOU(got, want *directory.OU) []string {
	var d []string
	str := func(name, g, w string) {
		if g != w {
			d = append(d, fmt.Sprintf("%s = %q, want %q", name, g, w))
		}
	}
	if want.ID != "" {
		str("ID", got.ID, want.ID)
	}
	if want.DN != "" && !directory.EqualDN(got.DN, want.DN) {
		d = append(d, fmt.Sprintf("DN = %q, want %q", got.DN, want.DN))
	}
	str("Name", got.Name, want.Name)
	str("Description", got.Description, want.Description)
	str("Street", got.Street, want.Street)
	str("City", got.City, want.City)
	str("State", got.State, want.State)
	str("PostalCode", got.PostalCode, want.PostalCode)
	str("Country", got.Country, want.Country)
	if got.Protected != want.Protected {
		d = append(d, fmt.Sprintf("Protected = %v, want %v", got.Protected, want.Protected))
	}
	return d
}

func checkOU(t *testing.T, what string, got, want *directory.OU) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got no OU", what)
		return
	}
	if d := diffOU(got, want); len(d) > 0 {
		t.Errorf("%s: OU %q differs:\n  %s", what, want.Name, strings.Join(d, "\n  "))
	}
}

// ouNames lists the names of OUs, in their order.
func ouNames(ous []directory.OU) []string {
	out := make([]string, len(ous))
	for i, o := range ous {
		out[i] = o.Name
	}
	return out
}

// entryKeys renders entries as type:name for set comparisons.
func entryKeys(es []directory.Entry) []string {
	out := make([]string, len(es))
	for i, x := range es {
		out[i] = string(x.Type) + ":" + x.Name
	}
	return out
}

func testOUCreateGet(t *testing.T, e *env) {
	ctx := t.Context()
	no := directory.NewOU{ParentDN: e.base, Name: "Sales", Description: "Sales and marketing",
		Street: "Main Street 1", City: "Berlin", State: "Berlin", PostalCode: "10115", Country: "Germany"}
	ou, err := e.dir.CreateOU(ctx, no)
	must(t, "CreateOU", err)
	want := &directory.OU{Name: no.Name, Description: no.Description, Street: no.Street, City: no.City,
		State: no.State, PostalCode: no.PostalCode, Country: no.Country}
	checkOU(t, "CreateOU result", ou, want)
	if ou.ID == "" {
		t.Fatal("CreateOU returned no ID")
	}
	if parent, err := directory.ParentDN(ou.DN); err != nil || !directory.EqualDN(parent, e.base) {
		t.Errorf("DN %q: parent is %q (%v), want %q", ou.DN, parent, err, e.base)
	}
	if !recent(ou.Created) {
		t.Errorf("Created %v: want a timestamp of now", ou.Created)
	}
	want.ID, want.DN = ou.ID, ou.DN
	for _, ref := range []directory.Ref{directory.ByID(ou.ID), directory.ByDN(ou.DN), directory.ByDN(otherSpelling(ou.DN))} {
		got, err := e.dir.GetOU(ctx, ref)
		if err != nil {
			t.Errorf("GetOU(%s): %v", ref, err)
			continue
		}
		checkOU(t, fmt.Sprintf("GetOU(%s)", ref), got, want)
	}

	nested, err := e.dir.CreateOU(ctx, directory.NewOU{ParentDN: otherSpelling(ou.DN), Name: "Team"})
	must(t, "CreateOU(nested)", err)
	if parent, _ := directory.ParentDN(nested.DN); !directory.EqualDN(parent, ou.DN) {
		t.Errorf("nested OU %q is not below %q", nested.DN, ou.DN)
	}
	// OU names repeat in different places.
	if _, err := e.dir.CreateOU(ctx, directory.NewOU{ParentDN: nested.DN, Name: "Sales"}); err != nil {
		t.Errorf("CreateOU of a name used elsewhere: %v", err)
	}

	for _, c := range []struct {
		what string
		no   directory.NewOU
		want error
	}{
		{"same name", directory.NewOU{ParentDN: e.base, Name: "Sales"}, directory.ErrAlreadyExists},
		{"same name in another case", directory.NewOU{ParentDN: e.base, Name: "SALES"}, directory.ErrAlreadyExists},
		{"missing parent", directory.NewOU{ParentDN: directory.ChildDN("ou", "missing", e.base), Name: "x"}, directory.ErrNotFound},
		{"parent outside the base", directory.NewOU{ParentDN: "ou=elsewhere,dc=invalid,dc=test", Name: "x"}, directory.ErrInvalidInput},
		{"parent that is no DN", directory.NewOU{ParentDN: "no dn at all", Name: "x"}, directory.ErrInvalidInput},
		{"empty name", directory.NewOU{ParentDN: e.base}, directory.ErrInvalidInput},
	} {
		_, err := e.dir.CreateOU(ctx, c.no)
		wantErr(t, "CreateOU with "+c.what, err, c.want)
	}
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "ou")})
	for _, c := range []struct {
		ref  directory.Ref
		want error
	}{
		{directory.ByID(randomUUID()), directory.ErrNotFound},
		{directory.ByDN(directory.ChildDN("ou", "missing", e.base)), directory.ErrNotFound},
		{directory.ByDN(u.DN), directory.ErrNotFound},
		{directory.ByDN("not a dn"), directory.ErrInvalidInput},
		{directory.Ref{}, directory.ErrInvalidInput},
	} {
		_, err := e.dir.GetOU(ctx, c.ref)
		wantErr(t, fmt.Sprintf("GetOU(%s)", c.ref), err, c.want)
	}
	sameSet(t, "OUs below Base after refused creations",
		ouNames(e.listOUs(t, e.base, directory.ScopeSubtree)), []string{"Sales", "Team", "Sales"})
}

// listOUs lists OUs and fails the test on error.
func (e *env) listOUs(t *testing.T, base string, scope directory.Scope) []directory.OU {
	t.Helper()
	ous, err := e.dir.ListOUs(t.Context(), base, scope)
	if err != nil {
		t.Fatalf("ListOUs(%s, %d): %v", base, scope, err)
	}
	return ous
}

func testOUListChildren(t *testing.T, e *env) {
	ctx := t.Context()
	// Base ∋ a, b;  a ∋ a1, a2, user, group;  a2 ∋ a2x.
	a := e.mkOU(t, "", "a")
	b := e.mkOU(t, "", "b")
	a1 := e.mkOU(t, a.DN, "a1")
	a2 := e.mkOU(t, a.DN, "a2")
	a2x := e.mkOU(t, a2.DN, "a2x")
	u := e.mkUser(t, directory.NewUser{ParentDN: a.DN, Username: e.name(t, "cu")})
	g := e.mkGroup(t, directory.NewGroup{ParentDN: a.DN, Name: e.name(t, "cg")})

	sub := e.listOUs(t, e.base, directory.ScopeSubtree)
	sameSet(t, "ListOUs(Base, subtree)", ouNames(sub), []string{"a", "b", "a1", "a2", "a2x"})
	// In DN order a parent comes before its children.
	pos := map[string]int{}
	for i, o := range sub {
		pos[strings.ToLower(o.DN)] = i
	}
	for i, o := range sub {
		parent, _ := directory.ParentDN(o.DN)
		for _, p := range sub {
			if directory.EqualDN(p.DN, parent) && pos[strings.ToLower(p.DN)] > i {
				t.Errorf("ListOUs: %s comes before its parent %s", o.DN, p.DN)
			}
		}
	}
	for _, o := range sub {
		if o.Name == "a2x" {
			checkOU(t, "ListOUs: a2x", &o, &directory.OU{ID: a2x.ID, DN: a2x.DN, Name: "a2x"})
		}
	}
	sameSet(t, "ListOUs(Base, one level)", ouNames(e.listOUs(t, e.base, directory.ScopeOneLevel)), []string{"a", "b"})
	sameSet(t, "ListOUs(a, one level)", ouNames(e.listOUs(t, otherSpelling(a.DN), directory.ScopeOneLevel)), []string{"a1", "a2"})
	sameSet(t, "ListOUs(a2x, subtree)", ouNames(e.listOUs(t, a2x.DN, directory.ScopeSubtree)), nil)
	whole := e.listOUs(t, "", directory.ScopeSubtree)
	var ours []string
	for _, o := range whole {
		if directory.IsUnder(o.DN, e.base) {
			ours = append(ours, o.DN)
		}
	}
	if len(ours) != 6 { // Base itself and the five below it
		t.Errorf("ListOUs(whole base) holds %d OUs at or below Base, want 6: %q", len(ours), ours)
	}
	_, err := e.dir.ListOUs(ctx, directory.ChildDN("ou", "missing", e.base), directory.ScopeSubtree)
	wantErr(t, "ListOUs(missing base)", err, directory.ErrNotFound)

	kids, err := e.dir.Children(ctx, otherSpelling(a.DN))
	must(t, "Children(a)", err)
	sameSet(t, "Children(a)", entryKeys(kids), []string{"ou:a1", "ou:a2", "user:" + u.Username, "group:" + g.Name})
	for _, k := range kids {
		var id, dn string
		switch k.Name {
		case u.Username:
			id, dn = u.ID, u.DN
		case g.Name:
			id, dn = g.ID, g.DN
		case "a1":
			id, dn = a1.ID, a1.DN
		case "a2":
			id, dn = a2.ID, a2.DN
		}
		if k.ID != id || !directory.EqualDN(k.DN, dn) {
			t.Errorf("Children(a): %s %q has ID %q DN %q, want %q %q", k.Type, k.Name, k.ID, k.DN, id, dn)
		}
	}
	kids, err = e.dir.Children(ctx, e.base)
	must(t, "Children(Base)", err)
	sameSet(t, "Children(Base)", entryKeys(kids), []string{"ou:a", "ou:b"})
	kids, err = e.dir.Children(ctx, b.DN)
	must(t, "Children(empty OU)", err)
	sameSet(t, "Children(empty OU)", entryKeys(kids), nil)
	kids, err = e.dir.Children(ctx, u.DN)
	must(t, "Children(user)", err)
	sameSet(t, "Children(user)", entryKeys(kids), nil)
	_, err = e.dir.Children(ctx, directory.ChildDN("ou", "missing", e.base))
	wantErr(t, "Children(missing)", err, directory.ErrNotFound)
	_, err = e.dir.Children(ctx, "not a dn")
	wantErr(t, "Children(not a DN)", err, directory.ErrInvalidInput)
}

func testOUDelete(t *testing.T, e *env) {
	ctx := t.Context()
	empty := e.mkOU(t, "", "empty")
	must(t, "DeleteOU(empty)", e.dir.DeleteOU(ctx, directory.ByDN(otherSpelling(empty.DN)), false))
	_, err := e.dir.GetOU(ctx, directory.ByID(empty.ID))
	wantErr(t, "GetOU after DeleteOU", err, directory.ErrNotFound)
	wantErr(t, "DeleteOU again", e.dir.DeleteOU(ctx, directory.ByID(empty.ID), false), directory.ErrNotFound)

	// full ∋ inner ∋ user;  full ∋ group ∋ user;  outside ∋ user (, group).
	full := e.mkOU(t, "", "full")
	inner := e.mkOU(t, full.DN, "inner")
	u := e.mkUser(t, directory.NewUser{ParentDN: inner.DN, Username: e.name(t, "du")})
	g := e.mkGroup(t, directory.NewGroup{ParentDN: full.DN, Name: e.name(t, "dg"), Members: []directory.PrincipalRef{
		directory.UserRef(directory.ByID(u.ID)),
	}})
	keep := e.mkUser(t, directory.NewUser{Username: e.name(t, "dk")})
	outside := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "do"), Members: []directory.PrincipalRef{
		directory.UserRef(directory.ByID(u.ID)), directory.UserRef(directory.ByID(keep.ID)),
	}})
	if e.caps.NestedGroups {
		e.addMember(t, directory.ByID(outside.ID), directory.GroupRef(directory.ByID(g.ID)))
	}

	wantErr(t, "DeleteOU of a non-empty OU", e.dir.DeleteOU(ctx, directory.ByID(full.ID), false), directory.ErrNotEmpty)
	wantErr(t, "DeleteOU of a non-empty inner OU", e.dir.DeleteOU(ctx, directory.ByID(inner.ID), false), directory.ErrNotEmpty)
	e.getUser(t, directory.ByID(u.ID))
	e.getGroup(t, directory.ByID(g.ID))
	if _, err := e.dir.GetOU(ctx, directory.ByID(inner.ID)); err != nil {
		t.Errorf("after a refused DeleteOU, GetOU(inner): %v", err)
	}

	must(t, "DeleteOU(recursive)", e.dir.DeleteOU(ctx, directory.ByID(full.ID), true))
	for _, ref := range []directory.Ref{directory.ByID(full.ID), directory.ByID(inner.ID)} {
		_, err := e.dir.GetOU(ctx, ref)
		wantErr(t, fmt.Sprintf("GetOU(%s) after a recursive DeleteOU", ref), err, directory.ErrNotFound)
	}
	_, err = e.dir.GetUser(ctx, directory.ByID(u.ID))
	wantErr(t, "GetUser after a recursive DeleteOU", err, directory.ErrNotFound)
	_, err = e.dir.GetGroup(ctx, directory.ByID(g.ID))
	wantErr(t, "GetGroup after a recursive DeleteOU", err, directory.ErrNotFound)
	sameSet(t, "Members of a group outside after a recursive DeleteOU",
		e.members(t, directory.ByID(outside.ID), true), []string{directUser(keep.Username)})
	e.mkUser(t, directory.NewUser{Username: u.Username}) // the username is free again

	wantErr(t, "DeleteOU(unknown)", e.dir.DeleteOU(ctx, directory.ByID(randomUUID()), true), directory.ErrNotFound)
	wantErr(t, "DeleteOU(invalid ref)", e.dir.DeleteOU(ctx, directory.Ref{}, true), directory.ErrInvalidInput)
}

func testOUProtected(t *testing.T, e *env) {
	if !e.caps.ProtectedOUs {
		t.Skip("capability ProtectedOUs=false: the backend does not protect OUs from deletion")
	}
	ctx := t.Context()
	p, err := e.dir.CreateOU(ctx, directory.NewOU{ParentDN: e.base, Name: "guarded", Protected: true})
	must(t, "CreateOU(protected)", err)
	checkOU(t, "CreateOU(protected)", p, &directory.OU{Name: "guarded", Protected: true})
	checkOU(t, "GetOU(protected)", e.getOU(t, directory.ByID(p.ID)), &directory.OU{ID: p.ID, DN: p.DN, Name: "guarded", Protected: true})
	wantErr(t, "DeleteOU(protected)", e.dir.DeleteOU(ctx, directory.ByID(p.ID), false), directory.ErrProtected)
	wantErr(t, "DeleteOU(protected, recursive)", e.dir.DeleteOU(ctx, directory.ByID(p.ID), true), directory.ErrProtected)
	e.getOU(t, directory.ByID(p.ID))

	// Protection anywhere inside refuses the whole recursive delete.
	parent := e.mkOU(t, "", "parent")
	u := e.mkUser(t, directory.NewUser{ParentDN: parent.DN, Username: e.name(t, "pu")})
	mid := e.mkOU(t, parent.DN, "mid")
	child, err := e.dir.CreateOU(ctx, directory.NewOU{ParentDN: mid.DN, Name: "child", Protected: true})
	must(t, "CreateOU(protected child)", err)
	wantErr(t, "DeleteOU of an OU holding a protected OU", e.dir.DeleteOU(ctx, directory.ByID(parent.ID), true), directory.ErrProtected)
	e.getOU(t, directory.ByID(parent.ID))
	e.getOU(t, directory.ByID(mid.ID))
	e.getOU(t, directory.ByID(child.ID))
	e.getUser(t, directory.ByID(u.ID))
}

func (e *env) getOU(t *testing.T, ref directory.Ref) *directory.OU {
	t.Helper()
	ou, err := e.dir.GetOU(t.Context(), ref)
	if err != nil {
		t.Fatalf("GetOU(%s): %v", ref, err)
	}
	return ou
}

func testResolve(t *testing.T, e *env) {
	ctx := t.Context()
	a, b := e.mkOU(t, "", "ra"), e.mkOU(t, "", "rb")
	ouName := "shared-" + e.tok
	o1, o2 := e.mkOU(t, a.DN, ouName), e.mkOU(t, b.DN, ouName)
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "rv")})
	g := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "rg")})

	check := func(name string, want ...directory.Entry) {
		t.Helper()
		got, err := e.dir.Resolve(ctx, name)
		if err != nil {
			t.Errorf("Resolve(%q): %v", name, err)
			return
		}
		if len(got) != len(want) {
			t.Errorf("Resolve(%q) = %+v, want %+v", name, got, want)
			return
		}
		for _, w := range want {
			found := false
			for _, g := range got {
				if g.Type == w.Type && g.ID == w.ID && g.Name == w.Name && directory.EqualDN(g.DN, w.DN) {
					found = true
				}
			}
			if !found {
				t.Errorf("Resolve(%q) = %+v: %+v is missing", name, got, w)
			}
		}
	}
	check(u.Username, directory.Entry{Type: directory.EntryUser, ID: u.ID, DN: u.DN, Name: u.Username})
	check(g.Name, directory.Entry{Type: directory.EntryGroup, ID: g.ID, DN: g.DN, Name: g.Name})
	check(ouName,
		directory.Entry{Type: directory.EntryOU, ID: o1.ID, DN: o1.DN, Name: ouName},
		directory.Entry{Type: directory.EntryOU, ID: o2.ID, DN: o2.DN, Name: ouName})
	check(e.name(t, "nx"))
}

// testOnlyContainersHoldEntries: users, groups and OUs live in OUs (or the
// base, or a directory's own containers), never under a user or a group,
// although an LDAP server would accept such an entry: a client naming a
// user's DN where an OU belongs gets ErrInvalidInput and nothing is made.
func testOnlyContainersHoldEntries(t *testing.T, e *env) {
	ctx := t.Context()
	holder := e.mkUser(t, directory.NewUser{Username: e.name(t, "hold")})
	group := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "holdg")})
	mover := e.mkUser(t, directory.NewUser{Username: e.name(t, "mover")})
	for _, parent := range []string{holder.DN, group.DN} {
		name := e.name(t, "under")
		_, err := e.dir.CreateUser(ctx, directory.NewUser{ParentDN: parent, Username: name, Surname: "Tester"})
		wantErr(t, "CreateUser under "+parent, err, directory.ErrInvalidInput)
		if _, err := e.dir.GetUser(ctx, directory.ByName(name)); err == nil {
			t.Errorf("a refused CreateUser under %s created %q", parent, name)
		}
		_, err = e.dir.CreateGroup(ctx, directory.NewGroup{ParentDN: parent, Name: e.name(t, "undg")})
		wantErr(t, "CreateGroup under "+parent, err, directory.ErrInvalidInput)
		_, err = e.dir.CreateOU(ctx, directory.NewOU{ParentDN: parent, Name: "under" + e.tok})
		wantErr(t, "CreateOU under "+parent, err, directory.ErrInvalidInput)
		_, err = e.dir.MoveUser(ctx, directory.ByID(mover.ID), parent)
		wantErr(t, "MoveUser under "+parent, err, directory.ErrInvalidInput)
	}
	if got := e.getUser(t, directory.ByID(mover.ID)); !directory.EqualDN(got.DN, mover.DN) {
		t.Errorf("a refused move moved the user to %s", got.DN)
	}
	for _, dn := range []string{holder.DN, group.DN} {
		children, err := e.dir.Children(ctx, dn)
		if err != nil && !errors.Is(err, directory.ErrInvalidInput) && !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("Children(%s): %v", dn, err)
		}
		if len(children) > 0 {
			t.Errorf("%s holds %d entries after refused creates: %v", dn, len(children), children)
		}
	}
}
