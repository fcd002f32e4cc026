package directorytest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

var groupTests = []test{
	{"CreateGet", testGroupCreateGet},
	{"CreateErrors", testGroupCreateErrors},
	{"UpdateRenameDelete", testGroupUpdateRenameDelete},
	{"Members", testGroupMembers},
	{"Nesting", testGroupNesting},
	{"Cycles", testGroupCycles},
	{"Search", testGroupSearch},
}

// skipUnlessNested skips checks that need groups in groups.
func (e *env) skipUnlessNested(t *testing.T) {
	t.Helper()
	if !e.caps.NestedGroups {
		t.Skip("capability NestedGroups=false: the backend does not nest groups")
	}
}

// addMember adds a member and fails the test if that does not work.
func (e *env) addMember(t *testing.T, g directory.Ref, m directory.PrincipalRef) {
	t.Helper()
	if err := e.dir.AddMember(t.Context(), g, m); err != nil {
		t.Fatalf("AddMember(%s, %s %s): %v", g, m.Type, m.Ref, err)
	}
}

func testGroupCreateGet(t *testing.T, e *env) {
	ctx := t.Context()
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "gu"), DisplayName: "Group User"})
	name := e.name(t, "gc")
	ng := directory.NewGroup{
		Name: name, GIDNumber: number(), Description: "Group of tests", ExternalID: "ext-" + name, System: true,
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(u.ID))},
	}
	g := e.mkGroup(t, ng)
	want := &directory.Group{Name: name, GIDNumber: ng.GIDNumber, Description: ng.Description,
		ExternalID: ng.ExternalID, System: true}
	checkGroup(t, "CreateGroup result", g, want)
	if g.ID == "" {
		t.Fatal("CreateGroup returned no ID")
	}
	if parent, err := directory.ParentDN(g.DN); err != nil || !directory.EqualDN(parent, e.base) {
		t.Errorf("DN %q: parent is %q (%v), want %q", g.DN, parent, err, e.base)
	}
	if !recent(g.Created) || !recent(g.Modified) {
		t.Errorf("Created %v / Modified %v: want timestamps of now", g.Created, g.Modified)
	}
	want.ID, want.DN = g.ID, g.DN
	for _, ref := range []directory.Ref{
		directory.ByID(g.ID), directory.ByDN(g.DN), directory.ByDN(otherSpelling(g.DN)),
		directory.ByName(name), directory.ByName(strings.ToUpper(name)), directory.ByNumber(g.GIDNumber),
	} {
		got, err := e.dir.GetGroup(ctx, ref)
		if err != nil {
			t.Errorf("GetGroup(%s): %v", ref, err)
			continue
		}
		checkGroup(t, fmt.Sprintf("GetGroup(%s)", ref), got, want)
	}
	sameSet(t, "Members of a group created with a member", e.members(t, directory.ByID(g.ID), false),
		[]string{directUser(u.Username)})

	// A group with nothing but a name has no members (and no placeholder
	// member shows).
	empty := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "ge")})
	checkGroup(t, "CreateGroup(minimal)", e.getGroup(t, directory.ByID(empty.ID)), &directory.Group{Name: empty.Name})
	sameSet(t, "Members of an empty group", e.members(t, directory.ByID(empty.ID), true), nil)

	if e.caps.NestedGroups {
		outer := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "go"), Members: []directory.PrincipalRef{
			directory.GroupRef(directory.ByID(g.ID)), directory.UserRef(directory.ByName(u.Username)),
		}})
		sameSet(t, "Members of a group created with a group member", e.members(t, directory.ByID(outer.ID), false),
			[]string{directGroup(g.Name), directUser(u.Username)})
	}
}

func testGroupCreateErrors(t *testing.T, e *env) {
	ctx := t.Context()
	taken := e.name(t, "gt")
	gid := number()
	e.mkGroup(t, directory.NewGroup{Name: taken, GIDNumber: gid})
	sub := e.mkOU(t, "", "sub")
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "gu")})

	cases := []struct {
		what string
		ng   directory.NewGroup
		want error
	}{
		{"same name", directory.NewGroup{ParentDN: e.base, Name: taken}, directory.ErrAlreadyExists},
		{"same name in another OU", directory.NewGroup{ParentDN: sub.DN, Name: taken}, directory.ErrAlreadyExists},
		{"same name in another case", directory.NewGroup{ParentDN: sub.DN, Name: strings.ToUpper(taken)}, directory.ErrAlreadyExists},
		{"taken gidNumber", directory.NewGroup{ParentDN: e.base, Name: e.name(t, "gn"), GIDNumber: gid}, directory.ErrAlreadyExists},
		{"missing parent", directory.NewGroup{ParentDN: directory.ChildDN("ou", "missing", e.base), Name: e.name(t, "gm")}, directory.ErrNotFound},
		{"parent outside the base", directory.NewGroup{ParentDN: "ou=elsewhere,dc=invalid,dc=test", Name: e.name(t, "go")}, directory.ErrInvalidInput},
		{"empty name", directory.NewGroup{ParentDN: e.base}, directory.ErrInvalidInput},
		{"unknown member", directory.NewGroup{ParentDN: e.base, Name: e.name(t, "gx"), Members: []directory.PrincipalRef{
			directory.UserRef(directory.ByID(u.ID)), directory.UserRef(directory.ByName(e.name(t, "nx"))),
		}}, directory.ErrNotFound},
	}
	for _, c := range cases {
		_, err := e.dir.CreateGroup(ctx, c.ng)
		wantErr(t, "CreateGroup with "+c.what, err, c.want)
		if c.ng.Name == "" || strings.EqualFold(c.ng.Name, taken) {
			continue
		}
		if _, err := e.dir.GetGroup(ctx, directory.ByName(c.ng.Name)); err == nil {
			t.Errorf("CreateGroup with %s failed but created %q", c.what, c.ng.Name)
		}
	}
	sameSet(t, "MemberOf after a refused group creation", e.memberOf(t, directory.UserRef(directory.ByID(u.ID)), true), nil)

	for _, c := range []struct {
		ref  directory.Ref
		want error
	}{
		{directory.ByID(randomUUID()), directory.ErrNotFound},
		{directory.ByName(e.name(t, "nx")), directory.ErrNotFound},
		{directory.ByNumber(number()), directory.ErrNotFound},
		{directory.ByDN(directory.ChildDN("cn", e.name(t, "nx"), e.base)), directory.ErrNotFound},
		{directory.ByDN(u.DN), directory.ErrNotFound},
		{directory.ByName(u.Username), directory.ErrNotFound},
		{directory.ByDN("not a dn"), directory.ErrInvalidInput},
		{directory.Ref{}, directory.ErrInvalidInput},
	} {
		_, err := e.dir.GetGroup(ctx, c.ref)
		wantErr(t, fmt.Sprintf("GetGroup(%s)", c.ref), err, c.want)
	}
}

func testGroupUpdateRenameDelete(t *testing.T, e *env) {
	ctx := t.Context()
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "gu")})
	oldName := e.name(t, "gr")
	ng := directory.NewGroup{Name: oldName, GIDNumber: number(), Description: "to be removed", ExternalID: "ext-1",
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(u.ID))}}
	g := e.mkGroup(t, ng)
	other := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "go"), GIDNumber: number()})
	var parent *directory.Group
	if e.caps.NestedGroups {
		parent = e.mkGroup(t, directory.NewGroup{Name: e.name(t, "gp"), Members: []directory.PrincipalRef{
			directory.GroupRef(directory.ByID(g.ID)),
		}})
	}

	// Update: nil leaves a field, "" removes it.
	newGID := number()
	want := &directory.Group{ID: g.ID, DN: g.DN, Name: oldName, GIDNumber: newGID, ExternalID: "ext-2", System: true}
	got, err := e.dir.UpdateGroup(ctx, directory.ByID(g.ID), directory.GroupPatch{
		GIDNumber: directory.Ptr(newGID), Description: directory.Ptr(""), ExternalID: directory.Ptr("ext-2"),
		System: directory.Ptr(true),
	})
	must(t, "UpdateGroup", err)
	checkGroup(t, "UpdateGroup result", got, want)
	checkGroup(t, "GetGroup after UpdateGroup", e.getGroup(t, directory.ByNumber(newGID)), want)
	_, err = e.dir.GetGroup(ctx, directory.ByNumber(ng.GIDNumber))
	wantErr(t, "GetGroup(old gidNumber)", err, directory.ErrNotFound)
	got, err = e.dir.UpdateGroup(ctx, directory.ByName(oldName), directory.GroupPatch{})
	must(t, "UpdateGroup(empty patch)", err)
	checkGroup(t, "UpdateGroup(empty patch)", got, want)
	_, err = e.dir.UpdateGroup(ctx, directory.ByID(g.ID), directory.GroupPatch{
		GIDNumber: directory.Ptr(other.GIDNumber), Description: directory.Ptr("must not stick"),
	})
	wantErr(t, "UpdateGroup(gidNumber of another group)", err, directory.ErrAlreadyExists)
	checkGroup(t, "GetGroup after a refused update", e.getGroup(t, directory.ByID(g.ID)), want)
	_, err = e.dir.UpdateGroup(ctx, directory.ByID(randomUUID()), directory.GroupPatch{Description: directory.Ptr("x")})
	wantErr(t, "UpdateGroup(unknown group)", err, directory.ErrNotFound)

	// Rename keeps the id, the members and the memberships.
	newName := e.name(t, "gx")
	got, err = e.dir.RenameGroup(ctx, directory.ByDN(otherSpelling(g.DN)), newName)
	must(t, "RenameGroup", err)
	want.Name, want.DN = newName, ""
	checkGroup(t, "RenameGroup result", got, want)
	checkGroup(t, "GetGroup(new name)", e.getGroup(t, directory.ByName(newName)), want)
	checkGroup(t, "GetGroup(new DN)", e.getGroup(t, directory.ByDN(got.DN)), want)
	_, err = e.dir.GetGroup(ctx, directory.ByName(oldName))
	wantErr(t, "GetGroup(old name)", err, directory.ErrNotFound)
	if !directory.EqualDN(got.DN, g.DN) {
		_, err = e.dir.GetGroup(ctx, directory.ByDN(g.DN))
		wantErr(t, "GetGroup(old DN)", err, directory.ErrNotFound)
	}
	sameSet(t, "Members after RenameGroup", e.members(t, directory.ByID(g.ID), false), []string{directUser(u.Username)})
	sameSet(t, "MemberOf(user) after RenameGroup", e.memberOf(t, directory.UserRef(directory.ByID(u.ID)), false), []string{inGroup(newName)})
	if parent != nil {
		sameSet(t, "Members of the parent after RenameGroup", e.members(t, directory.ByID(parent.ID), false), []string{directGroup(newName)})
	}
	_, err = e.dir.RenameGroup(ctx, directory.ByID(g.ID), other.Name)
	wantErr(t, "RenameGroup to a taken name", err, directory.ErrAlreadyExists)
	_, err = e.dir.RenameGroup(ctx, directory.ByID(g.ID), "")
	wantErr(t, "RenameGroup to an empty name", err, directory.ErrInvalidInput)
	_, err = e.dir.RenameGroup(ctx, directory.ByID(randomUUID()), e.name(t, "gy"))
	wantErr(t, "RenameGroup(unknown group)", err, directory.ErrNotFound)

	// Delete removes the group and every membership in it and of it.
	must(t, "DeleteGroup", e.dir.DeleteGroup(ctx, directory.ByName(newName)))
	_, err = e.dir.GetGroup(ctx, directory.ByID(g.ID))
	wantErr(t, "GetGroup after DeleteGroup", err, directory.ErrNotFound)
	sameSet(t, "MemberOf(user) after DeleteGroup", e.memberOf(t, directory.UserRef(directory.ByID(u.ID)), true), nil)
	if parent != nil {
		sameSet(t, "Members of the parent after DeleteGroup", e.members(t, directory.ByID(parent.ID), true), nil)
	}
	e.getUser(t, directory.ByID(u.ID))
	wantErr(t, "DeleteGroup again", e.dir.DeleteGroup(ctx, directory.ByID(g.ID)), directory.ErrNotFound)
	// The name is free again.
	e.mkGroup(t, directory.NewGroup{Name: oldName})
}

func testGroupMembers(t *testing.T, e *env) {
	ctx := t.Context()
	u1 := e.mkUser(t, directory.NewUser{Username: e.name(t, "m1"), DisplayName: "Member One"})
	u2 := e.mkUser(t, directory.NewUser{Username: e.name(t, "m2")})
	u3 := e.mkUser(t, directory.NewUser{Username: e.name(t, "m3")})
	g := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "mg")})
	other := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "mo")})
	gref := directory.ByID(g.ID)

	e.addMember(t, gref, directory.UserRef(directory.ByID(u1.ID)))
	e.addMember(t, directory.ByName(g.Name), directory.UserRef(directory.ByName(u2.Username)))
	e.addMember(t, directory.ByDN(otherSpelling(g.DN)), directory.UserRef(directory.ByDN(otherSpelling(u3.DN))))
	e.addMember(t, gref, directory.UserRef(directory.ByID(u1.ID))) // present already: not an error
	all := []string{directUser(u1.Username), directUser(u2.Username), directUser(u3.Username)}
	sameSet(t, "Members(direct)", e.members(t, gref, false), all)
	sameSet(t, "Members(indirect)", e.members(t, gref, true), all)

	// A member carries the principal's identity.
	ms, err := e.dir.Members(ctx, gref, false)
	must(t, "Members", err)
	for _, m := range ms {
		if m.Name != u1.Username {
			continue
		}
		if m.Type != directory.PrincipalUser || m.ID != u1.ID || !directory.EqualDN(m.DN, u1.DN) ||
			m.DisplayName != u1.DisplayName || !m.Direct {
			t.Errorf("member %q = %+v, want type user, ID %q, DN %q, display name %q, direct",
				u1.Username, m, u1.ID, u1.DN, u1.DisplayName)
		}
	}
	mships, err := e.dir.MemberOf(ctx, directory.UserRef(directory.ByID(u1.ID)), true)
	must(t, "MemberOf", err)
	found := false
	for _, m := range mships {
		if m.Group.ID == g.ID {
			found = true
			checkGroup(t, "MemberOf: the group", &m.Group, &directory.Group{ID: g.ID, DN: g.DN, Name: g.Name})
		}
	}
	if !found {
		t.Errorf("MemberOf(%s) = %+v: the group %s is missing", u1.Username, mships, g.Name)
	}

	must(t, "RemoveMember", e.dir.RemoveMember(ctx, gref, directory.UserRef(directory.ByName(u2.Username))))
	sameSet(t, "Members after RemoveMember", e.members(t, gref, false),
		[]string{directUser(u1.Username), directUser(u3.Username)})
	sameSet(t, "MemberOf after RemoveMember", e.memberOf(t, directory.UserRef(directory.ByID(u2.ID)), true), nil)
	sameSet(t, "MemberOf(by DN) after RemoveMember", e.memberOf(t, directory.UserRef(directory.ByDN(u2.DN)), true), nil)
	wantErr(t, "RemoveMember of an absent member",
		e.dir.RemoveMember(ctx, gref, directory.UserRef(directory.ByID(u2.ID))), directory.ErrNotFound)

	unknownUser := directory.UserRef(directory.ByName(e.name(t, "nx")))
	wantErr(t, "AddMember(unknown user)", e.dir.AddMember(ctx, gref, unknownUser), directory.ErrNotFound)
	wantErr(t, "AddMember(a user named as a group)",
		e.dir.AddMember(ctx, gref, directory.GroupRef(directory.ByName(u2.Username))), directory.ErrNotFound)
	wantErr(t, "AddMember to an unknown group",
		e.dir.AddMember(ctx, directory.ByID(randomUUID()), directory.UserRef(directory.ByID(u2.ID))), directory.ErrNotFound)
	wantErr(t, "AddMember of an unknown principal type",
		e.dir.AddMember(ctx, gref, directory.PrincipalRef{Type: "computer", Ref: directory.ByID(u2.ID)}), directory.ErrInvalidInput)
	wantErr(t, "RemoveMember(unknown user)", e.dir.RemoveMember(ctx, gref, unknownUser), directory.ErrNotFound)
	_, err = e.dir.Members(ctx, directory.ByID(randomUUID()), false)
	wantErr(t, "Members(unknown group)", err, directory.ErrNotFound)
	_, err = e.dir.MemberOf(ctx, unknownUser, false)
	wantErr(t, "MemberOf(unknown user)", err, directory.ErrNotFound)
	_, err = e.dir.MemberOf(ctx, directory.UserRef(directory.ByDN(directory.ChildDN("uid", e.name(t, "nx"), e.base))), true)
	wantErr(t, "MemberOf(unknown user DN)", err, directory.ErrNotFound)
	_, err = e.dir.MemberOf(ctx, directory.UserRef(directory.ByDN(g.DN)), true)
	wantErr(t, "MemberOf(a group's DN as a user)", err, directory.ErrNotFound)

	// Groups as members: refused without nesting, else listed like users.
	err = e.dir.AddMember(ctx, gref, directory.GroupRef(directory.ByID(other.ID)))
	if !e.caps.NestedGroups {
		wantErr(t, "AddMember(group) without NestedGroups", err, directory.ErrNotSupported)
		wantErrOneOf(t, "AddMember(the group itself) without NestedGroups",
			e.dir.AddMember(ctx, gref, directory.GroupRef(gref)), directory.ErrNotSupported, directory.ErrInvalidInput)
		return
	}
	must(t, "AddMember(group)", err)
	sameSet(t, "Members with a group member", e.members(t, gref, false),
		[]string{directUser(u1.Username), directUser(u3.Username), directGroup(other.Name)})
	sameSet(t, "MemberOf(group)", e.memberOf(t, directory.GroupRef(directory.ByID(other.ID)), false), []string{inGroup(g.Name)})
	wantErr(t, "AddMember(the group itself)", e.dir.AddMember(ctx, gref, directory.GroupRef(directory.ByDN(g.DN))), directory.ErrInvalidInput)
	must(t, "RemoveMember(group)", e.dir.RemoveMember(ctx, gref, directory.GroupRef(directory.ByName(other.Name))))
	sameSet(t, "MemberOf(group) after RemoveMember", e.memberOf(t, directory.GroupRef(directory.ByID(other.ID)), true), nil)
}

func testGroupNesting(t *testing.T, e *env) {
	e.skipUnlessNested(t)
	// top ∋ u1, mid;  mid ∋ u2, low, u4;  low ∋ u3, u4, u1.
	u := make([]*directory.User, 5)
	for i := 1; i < len(u); i++ {
		u[i] = e.mkUser(t, directory.NewUser{Username: e.name(t, fmt.Sprintf("n%d", i))})
	}
	ref := func(x *directory.User) directory.PrincipalRef { return directory.UserRef(directory.ByID(x.ID)) }
	low := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "lo"), Members: []directory.PrincipalRef{ref(u[3]), ref(u[4]), ref(u[1])}})
	mid := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "mi"), Members: []directory.PrincipalRef{ref(u[2]), ref(u[4])}})
	top := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "to"), Members: []directory.PrincipalRef{ref(u[1])}})
	e.addMember(t, directory.ByID(mid.ID), directory.GroupRef(directory.ByID(low.ID)))
	e.addMember(t, directory.ByID(top.ID), directory.GroupRef(directory.ByName(mid.Name)))

	sameSet(t, "Members(top, direct)", e.members(t, directory.ByID(top.ID), false),
		[]string{directUser(u[1].Username), directGroup(mid.Name)})
	// u1 is direct and also comes through low: listed once, as direct; u4
	// comes through mid and low: listed once.
	sameSet(t, "Members(top, indirect)", e.members(t, directory.ByID(top.ID), true), []string{
		directUser(u[1].Username), directGroup(mid.Name), indirectUser(u[2].Username), indirectGroup(low.Name),
		indirectUser(u[3].Username), indirectUser(u[4].Username),
	})
	sameSet(t, "Members(mid, indirect)", e.members(t, directory.ByID(mid.ID), true), []string{
		directUser(u[2].Username), directUser(u[4].Username), directGroup(low.Name),
		indirectUser(u[3].Username), indirectUser(u[1].Username),
	})
	sameSet(t, "MemberOf(u3, direct)", e.memberOf(t, ref(u[3]), false), []string{inGroup(low.Name)})
	sameSet(t, "MemberOf(u3, indirect)", e.memberOf(t, ref(u[3]), true),
		[]string{inGroup(low.Name), viaGroup(mid.Name), viaGroup(top.Name)})
	sameSet(t, "MemberOf(u1, indirect)", e.memberOf(t, ref(u[1]), true),
		[]string{inGroup(top.Name), inGroup(low.Name), viaGroup(mid.Name)})
	sameSet(t, "MemberOf(u4, indirect)", e.memberOf(t, ref(u[4]), true),
		[]string{inGroup(mid.Name), inGroup(low.Name), viaGroup(top.Name)})
	sameSet(t, "MemberOf(low, indirect)", e.memberOf(t, directory.GroupRef(directory.ByID(low.ID)), true),
		[]string{inGroup(mid.Name), viaGroup(top.Name)})
	sameSet(t, "MemberOf(top, indirect)", e.memberOf(t, directory.GroupRef(directory.ByID(top.ID)), true), nil)
	for _, x := range u[1:] {
		sameSet(t, "MemberOf("+x.Username+" by DN, indirect)", e.memberOf(t, directory.UserRef(directory.ByDN(x.DN)), true),
			e.memberOf(t, ref(x), true))
		sameSet(t, "MemberOf("+x.Username+" by DN, direct)", e.memberOf(t, directory.UserRef(directory.ByDN(x.DN)), false),
			e.memberOf(t, ref(x), false))
	}

	// Cutting a link cuts what came through it.
	must(t, "RemoveMember(mid from top)", e.dir.RemoveMember(t.Context(), directory.ByID(top.ID), directory.GroupRef(directory.ByID(mid.ID))))
	sameSet(t, "Members(top, indirect) after RemoveMember", e.members(t, directory.ByID(top.ID), true),
		[]string{directUser(u[1].Username)})
	sameSet(t, "MemberOf(u3, indirect) after RemoveMember", e.memberOf(t, ref(u[3]), true),
		[]string{inGroup(low.Name), viaGroup(mid.Name)})
	sameSet(t, "MemberOf(u3 by DN, indirect) after RemoveMember", e.memberOf(t, directory.UserRef(directory.ByDN(u[3].DN)), true),
		[]string{inGroup(low.Name), viaGroup(mid.Name)})
}

// within runs f and fails the test if it does not return within a minute:
// a traversal that loops on a cycle never returns.
func within[T any](t *testing.T, what string, f func(ctx context.Context) (T, error)) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var (
		v    T
		err  error
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		v, err = f(ctx)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute):
		t.Fatalf("%s did not return within a minute: a cycle loops", what)
	}
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// membersWithin is members, failing when the walk does not end.
func (e *env) membersWithin(t *testing.T, g directory.Ref) []string {
	t.Helper()
	ms := within(t, fmt.Sprintf("Members(%s, indirect)", g), func(ctx context.Context) ([]directory.Member, error) {
		return e.dir.Members(ctx, g, true)
	})
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = memberKey(m)
	}
	return out
}

// memberOfWithin is memberOf, failing when the walk does not end.
func (e *env) memberOfWithin(t *testing.T, p directory.PrincipalRef) []string {
	t.Helper()
	ms := within(t, fmt.Sprintf("MemberOf(%s %s, indirect)", p.Type, p.Ref), func(ctx context.Context) ([]directory.Membership, error) {
		return e.dir.MemberOf(ctx, p, true)
	})
	var out []string
	for _, m := range ms {
		if directory.IsUnder(m.Group.DN, e.base) {
			out = append(out, membershipKey(m))
		}
	}
	return out
}

func testGroupCycles(t *testing.T, e *env) {
	e.skipUnlessNested(t)
	ua := e.mkUser(t, directory.NewUser{Username: e.name(t, "ca")})
	ub := e.mkUser(t, directory.NewUser{Username: e.name(t, "cb")})
	uc := e.mkUser(t, directory.NewUser{Username: e.name(t, "cc")})
	a := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "ga"), Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(ua.ID))}})
	b := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "gb"), Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(ub.ID))}})
	c := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "gc"), Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(uc.ID))}})
	gr := func(g *directory.Group) directory.PrincipalRef { return directory.GroupRef(directory.ByID(g.ID)) }

	// A ∋ B ∋ A: a cycle of two.
	e.addMember(t, directory.ByID(a.ID), gr(b))
	e.addMember(t, directory.ByID(b.ID), gr(a))
	// A group is never listed as its own member, even through a cycle.
	sameSet(t, "Members(A, indirect) on a cycle", e.membersWithin(t, directory.ByID(a.ID)),
		[]string{directUser(ua.Username), directGroup(b.Name), indirectUser(ub.Username)})
	sameSet(t, "MemberOf(A, indirect) on a cycle", e.memberOfWithin(t, gr(a)), []string{inGroup(b.Name)})
	sameSet(t, "MemberOf(ua, indirect) on a cycle", e.memberOfWithin(t, directory.UserRef(directory.ByID(ua.ID))),
		[]string{inGroup(a.Name), viaGroup(b.Name)})

	// A ∋ B ∋ C ∋ A: a cycle of three.
	must(t, "RemoveMember(A from B)", e.dir.RemoveMember(t.Context(), directory.ByID(b.ID), gr(a)))
	e.addMember(t, directory.ByID(b.ID), gr(c))
	e.addMember(t, directory.ByID(c.ID), gr(a))
	sameSet(t, "Members(B, indirect) on a cycle of three", e.membersWithin(t, directory.ByID(b.ID)), []string{
		directUser(ub.Username), directGroup(c.Name), indirectUser(uc.Username), indirectGroup(a.Name),
		indirectUser(ua.Username),
	})
	sameSet(t, "MemberOf(uc, indirect) on a cycle of three", e.memberOfWithin(t, directory.UserRef(directory.ByID(uc.ID))),
		[]string{inGroup(c.Name), viaGroup(b.Name), viaGroup(a.Name)})
	sameSet(t, "MemberOf(uc by DN, indirect) on a cycle of three", e.memberOfWithin(t, directory.UserRef(directory.ByDN(uc.DN))),
		[]string{inGroup(c.Name), viaGroup(b.Name), viaGroup(a.Name)})

	// Deleting a group on the cycle leaves the others consistent.
	must(t, "DeleteGroup(C)", e.dir.DeleteGroup(t.Context(), directory.ByID(c.ID)))
	sameSet(t, "Members(B, indirect) after deleting C", e.members(t, directory.ByID(b.ID), true),
		[]string{directUser(ub.Username)})
	sameSet(t, "MemberOf(B, indirect) after deleting C", e.memberOf(t, gr(b), true), []string{inGroup(a.Name)})
}

func testGroupSearch(t *testing.T, e *env) {
	sub := e.mkOU(t, "", "sub")
	gidA, gidB := number(), number()
	ga := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "ga"), GIDNumber: gidA, Description: "alpha team"})
	gb := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "gb"), GIDNumber: gidB, System: true})
	gc := e.mkGroup(t, directory.NewGroup{ParentDN: sub.DN, Name: e.name(t, "gc"), Description: "gamma team"})
	all := []string{ga.Name, gb.Name, gc.Name}
	find := func(f directory.Filter) []string {
		t.Helper()
		p := e.searchGroups(t, directory.Query{Filter: f})
		if p.Total != len(p.Items) {
			t.Errorf("SearchGroups(%s): Total %d for %d items without a limit", describeFilter(f), p.Total, len(p.Items))
		}
		return groupNames(p.Items)
	}
	for _, c := range []struct {
		f    directory.Filter
		want []string
	}{
		{nil, all},
		{directory.Eq(directory.FieldName, strings.ToUpper(ga.Name)), []string{ga.Name}},
		{directory.StartsWith(directory.FieldName, "gb"), []string{gb.Name}},
		{directory.Contains(directory.FieldDescription, "TEAM"), []string{ga.Name, gc.Name}},
		{directory.Present(directory.FieldDescription), []string{ga.Name, gc.Name}},
		{directory.Not{Filter: directory.Present(directory.FieldDescription)}, []string{gb.Name}},
		{directory.Eq(directory.FieldGIDNumber, fmt.Sprint(gidB)), []string{gb.Name}},
		{directory.In(directory.FieldGIDNumber, fmt.Sprint(gidA), fmt.Sprint(gidB)), []string{ga.Name, gb.Name}},
		{directory.In(directory.FieldName, ga.Name, gc.Name), []string{ga.Name, gc.Name}},
		{directory.BoolEq(directory.FieldSystem, true), []string{gb.Name}},
		{directory.Eq(directory.FieldID, gc.ID), []string{gc.Name}},
		{directory.Eq(directory.FieldDN, gb.DN), []string{gb.Name}},
		{directory.After(directory.FieldCreated, time.Now().Add(-25*time.Hour)), all},
		{directory.Before(directory.FieldCreated, time.Now().Add(-25*time.Hour)), nil},
		{directory.Or{directory.Eq(directory.FieldName, ga.Name), directory.Contains(directory.FieldDescription, "gamma")}, []string{ga.Name, gc.Name}},
		{directory.And{directory.Present(directory.FieldDescription), directory.Not{Filter: directory.StartsWith(directory.FieldName, "ga")}}, []string{gc.Name}},
	} {
		sameSet(t, "SearchGroups("+describeFilter(c.f)+")", find(c.f), c.want)
	}

	asc := groupNames(e.searchGroups(t, directory.Query{Sort: []directory.SortKey{{Field: directory.FieldName}}}).Items)
	if want := []string{ga.Name, gb.Name, gc.Name}; !slices.Equal(asc, want) {
		t.Errorf("SearchGroups sorted by name = %q, want %q", asc, want)
	}
	desc := groupNames(e.searchGroups(t, directory.Query{Sort: []directory.SortKey{{Field: directory.FieldName, Descending: true}}}).Items)
	if want := []string{gc.Name, gb.Name, ga.Name}; !slices.Equal(desc, want) {
		t.Errorf("SearchGroups sorted by name descending = %q, want %q", desc, want)
	}
	page := e.searchGroups(t, directory.Query{Sort: []directory.SortKey{{Field: directory.FieldName}}, Offset: 1, Limit: 1})
	if page.Total != 3 || !slices.Equal(groupNames(page.Items), []string{gb.Name}) {
		t.Errorf("SearchGroups offset 1 limit 1 = %q (Total %d), want [%q] (Total 3)", groupNames(page.Items), page.Total, gb.Name)
	}
	sameSet(t, "SearchGroups one level below Base",
		groupNames(e.searchGroups(t, directory.Query{Scope: directory.ScopeOneLevel}).Items), []string{ga.Name, gb.Name})
	sameSet(t, "SearchGroups below the sub-OU",
		groupNames(e.searchGroups(t, directory.Query{Base: sub.DN}).Items), []string{gc.Name})

	_, err := e.dir.SearchGroups(t.Context(), directory.Query{Base: e.base, Filter: directory.Eq(directory.FieldUsername, "x")})
	wantErr(t, "SearchGroups on a user field", err, directory.ErrInvalidInput)
}
