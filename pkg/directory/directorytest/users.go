package directorytest

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

var userTests = []test{
	{"CreateGet", testUserCreateGet},
	{"CreateErrors", testUserCreateErrors},
	{"GetErrors", testUserGetErrors},
	{"Update", testUserUpdate},
	{"Rename", testUserRename},
	{"Move", testUserMove},
	{"Delete", testUserDelete},
	{"ExtraAttributes", testUserExtraAttributes},
}

// fullUser is a NewUser with every plain field set.
func (e *env) fullUser(t *testing.T, prefix string) directory.NewUser {
	t.Helper()
	name := e.name(t, prefix)
	return directory.NewUser{
		ParentDN: e.base, Username: name,
		UIDNumber: number(), GIDNumber: number(),
		GivenName: "Given " + name, Surname: "Surname " + name, DisplayName: "Display " + name,
		Mail: name + "@example.com", Telephone: "+49 30 1234567", Title: "Engineer",
		Mobile: []string{"+49 170 1111111", "+49 170 2222222"}, Description: "Description of " + name,
		UserPrincipalName: name + "@example.com", HomeDirectory: "/home/" + name,
		ExternalID: "ext-" + name,
	}
}

// randomUUID returns a well-formed UUID that names nothing.
func randomUUID() string {
	b := make([]byte, 16)
	for i := range b {
		b[i] = byte(rand.UintN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func testUserCreateGet(t *testing.T, e *env) {
	ctx := t.Context()
	nu := e.fullUser(t, "cg")
	u := e.mkUser(t, nu)
	want := expectedUser(nu)
	checkUser(t, "CreateUser result", u, want)
	if u.ID == "" {
		t.Fatal("CreateUser returned no ID")
	}
	if parent, err := directory.ParentDN(u.DN); err != nil || !directory.EqualDN(parent, e.base) {
		t.Errorf("DN %q: parent is %q (%v), want %q", u.DN, parent, err, e.base)
	}
	if !recent(u.Created) || !recent(u.Modified) {
		t.Errorf("Created %v / Modified %v: want timestamps of now", u.Created, u.Modified)
	}
	if u.Lock.Locked || !u.Active() {
		t.Errorf("a new user is locked (%+v) or inactive", u.Lock)
	}
	want.ID, want.DN = u.ID, u.DN
	refs := []directory.Ref{
		directory.ByID(u.ID), directory.ByDN(u.DN), directory.ByDN(otherSpelling(u.DN)),
		directory.ByName(u.Username), directory.ByName(strings.ToUpper(u.Username)),
		directory.ByNumber(u.UIDNumber),
	}
	for _, ref := range refs {
		got, err := e.dir.GetUser(ctx, ref)
		if err != nil {
			t.Errorf("GetUser(%s): %v", ref, err)
			continue
		}
		checkUser(t, fmt.Sprintf("GetUser(%s)", ref), got, want)
		if !sameTime(got.Created, u.Created) {
			t.Errorf("GetUser(%s): Created %v, CreateUser said %v", ref, got.Created, u.Created)
		}
	}

	// Account flags and invitations given at creation.
	invited := directory.NewUser{
		Username: e.name(t, "iv"), Surname: "Invited",
		InvitationPending: true, InvitationExpiry: time.Now().Add(72 * time.Hour).Truncate(time.Second),
		Disabled: true, System: true, MustChangePassword: true,
	}
	iu := e.mkUser(t, invited)
	checkUser(t, "CreateUser(invited)", iu, expectedUser(invited))
	checkUser(t, "GetUser(invited)", e.getUser(t, directory.ByID(iu.ID)), expectedUser(invited))
	if iu.Active() {
		t.Error("a user created disabled is Active")
	}

	// A user with only the required fields has every other one empty.
	minimal := directory.NewUser{Username: e.name(t, "mi"), Surname: "Minimal"}
	mu := e.mkUser(t, minimal)
	checkUser(t, "CreateUser(minimal)", e.getUser(t, directory.ByID(mu.ID)), expectedUser(minimal))
}

func testUserCreateErrors(t *testing.T, e *env) {
	ctx := t.Context()
	taken := e.name(t, "du")
	uid := number()
	e.mkUser(t, directory.NewUser{Username: taken, UIDNumber: uid})
	sub := e.mkOU(t, "", "sub")

	type tc struct {
		what string
		nu   directory.NewUser
		want error
	}
	cases := []tc{
		{"same username", directory.NewUser{ParentDN: e.base, Username: taken}, directory.ErrAlreadyExists},
		{"same username in another OU", directory.NewUser{ParentDN: sub.DN, Username: taken}, directory.ErrAlreadyExists},
		{"same username in another case", directory.NewUser{ParentDN: sub.DN, Username: strings.ToUpper(taken)}, directory.ErrAlreadyExists},
		{"taken uidNumber", directory.NewUser{ParentDN: e.base, Username: e.name(t, "dn"), UIDNumber: uid}, directory.ErrAlreadyExists},
		{"missing parent", directory.NewUser{ParentDN: directory.ChildDN("ou", "missing"+e.tok, e.base), Username: e.name(t, "mp")}, directory.ErrNotFound},
		{"parent outside the base", directory.NewUser{ParentDN: "ou=elsewhere,dc=invalid,dc=test", Username: e.name(t, "ob")}, directory.ErrInvalidInput},
		{"parent that is no DN", directory.NewUser{ParentDN: "no dn at all", Username: e.name(t, "nd")}, directory.ErrInvalidInput},
		{"empty username", directory.NewUser{ParentDN: e.base}, directory.ErrInvalidInput},
		{"attribute outside the allow-list", directory.NewUser{ParentDN: e.base, Username: e.name(t, "ua"),
			Attributes: map[string][]string{"dirgateNoSuchAttribute": {"x"}}}, directory.ErrInvalidInput},
	}
	if m := e.caps.UsernameMaxLength; m > 0 {
		long := "l" + e.tok + strings.Repeat("x", m)
		cases = append(cases, tc{fmt.Sprintf("username longer than UsernameMaxLength %d", m),
			directory.NewUser{ParentDN: e.base, Username: long[:m+1]}, directory.ErrInvalidInput})
	}
	for _, c := range cases {
		c.nu.Surname = "Tester"
		_, err := e.dir.CreateUser(ctx, c.nu)
		wantErr(t, "CreateUser with "+c.what, err, c.want)
		if c.nu.Username == "" || strings.EqualFold(c.nu.Username, taken) {
			continue
		}
		if _, err := e.dir.GetUser(ctx, directory.ByName(c.nu.Username)); err == nil {
			t.Errorf("CreateUser with %s failed but created %q", c.what, c.nu.Username)
		}
	}
	p := e.searchUsers(t, directory.Query{Filter: directory.Eq(directory.FieldUsername, taken)})
	if p.Total != 1 {
		t.Errorf("after refused duplicates, %d users are called %q, want 1", p.Total, taken)
	}
}

func testUserGetErrors(t *testing.T, e *env) {
	ctx := t.Context()
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "ge")})
	g := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "gg")})
	cases := []struct {
		ref  directory.Ref
		want error
	}{
		{directory.ByID(randomUUID()), directory.ErrNotFound},
		{directory.ByName(e.name(t, "nx")), directory.ErrNotFound},
		{directory.ByNumber(number()), directory.ErrNotFound},
		{directory.ByDN(directory.ChildDN("uid", e.name(t, "nx"), e.base)), directory.ErrNotFound},
		{directory.ByDN(directory.ChildDN("uid", u.Username, directory.ChildDN("ou", "missing", e.base))), directory.ErrNotFound},
		{directory.ByDN(g.DN), directory.ErrNotFound},
		{directory.ByName(g.Name), directory.ErrNotFound},
		{directory.ByDN("not a dn"), directory.ErrInvalidInput},
		{directory.Ref{}, directory.ErrInvalidInput},
		{directory.ByNumber(0), directory.ErrInvalidInput},
		{directory.Ref{Kind: 99, Value: "x"}, directory.ErrInvalidInput},
	}
	for _, c := range cases {
		_, err := e.dir.GetUser(ctx, c.ref)
		wantErr(t, fmt.Sprintf("GetUser(%s)", c.ref), err, c.want)
	}
}

func testUserUpdate(t *testing.T, e *env) {
	ctx := t.Context()
	nu := e.fullUser(t, "up")
	u := e.mkUser(t, nu)
	other := e.mkUser(t, directory.NewUser{Username: e.name(t, "uo"), UIDNumber: number()})

	newUID := number()
	expiry := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	patch := directory.UserPatch{
		UIDNumber:         directory.Ptr(newUID),
		GivenName:         directory.Ptr("Changed"),
		Mail:              directory.Ptr(""),
		Mobile:            directory.Ptr([]string{}),
		Telephone:         directory.Ptr("+49 89 7654321"),
		Description:       directory.Ptr(""),
		InvitationPending: directory.Ptr(true),
		InvitationExpiry:  directory.Ptr(expiry),
		System:            directory.Ptr(true),
	}
	want := expectedUser(nu)
	want.ID, want.DN = u.ID, u.DN
	want.UIDNumber, want.GivenName, want.Mail, want.Mobile = newUID, "Changed", "", nil
	want.Telephone, want.Description = "+49 89 7654321", ""
	want.InvitationPending, want.InvitationExpiry, want.System = true, expiry, true

	got, err := e.dir.UpdateUser(ctx, directory.ByID(u.ID), patch)
	must(t, "UpdateUser", err)
	checkUser(t, "UpdateUser result", got, want)
	checkUser(t, "GetUser after UpdateUser", e.getUser(t, directory.ByID(u.ID)), want)
	if got.Modified.Before(u.Modified.Add(-time.Second)) {
		t.Errorf("Modified went back from %v to %v", u.Modified, got.Modified)
	}
	if byNum, err := e.dir.GetUser(ctx, directory.ByNumber(newUID)); err != nil || byNum.ID != u.ID {
		t.Errorf("GetUser(new uidNumber %d) = %v, %v; want the user", newUID, byNum, err)
	}
	_, err = e.dir.GetUser(ctx, directory.ByNumber(nu.UIDNumber))
	wantErr(t, "GetUser(old uidNumber)", err, directory.ErrNotFound)

	// An empty patch changes nothing; a nil field is left alone.
	got, err = e.dir.UpdateUser(ctx, directory.ByName(u.Username), directory.UserPatch{})
	must(t, "UpdateUser(empty patch)", err)
	checkUser(t, "UpdateUser(empty patch)", got, want)

	got, err = e.dir.UpdateUser(ctx, directory.ByDN(otherSpelling(u.DN)), directory.UserPatch{
		Mobile:           directory.Ptr([]string{"+1 555 0100", "+1 555 0101", "+1 555 0102"}),
		InvitationExpiry: directory.Ptr(time.Time{}),
	})
	must(t, "UpdateUser(mobile, remove expiry)", err)
	want.Mobile = []string{"+1 555 0100", "+1 555 0101", "+1 555 0102"}
	want.InvitationExpiry = time.Time{}
	checkUser(t, "UpdateUser(mobile, remove expiry)", got, want)
	checkUser(t, "GetUser after UpdateUser(mobile, remove expiry)", e.getUser(t, directory.ByID(u.ID)), want)

	// Refused patches change nothing.
	_, err = e.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{
		UIDNumber: directory.Ptr(other.UIDNumber), Title: directory.Ptr("must not stick"),
	})
	wantErr(t, "UpdateUser(uidNumber of another user)", err, directory.ErrAlreadyExists)
	_, err = e.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{
		Title:      directory.Ptr("must not stick"),
		Attributes: map[string][]string{"dirgateNoSuchAttribute": {"x"}},
	})
	wantErr(t, "UpdateUser(attribute outside the allow-list)", err, directory.ErrInvalidInput)
	checkUser(t, "GetUser after refused updates", e.getUser(t, directory.ByID(u.ID)), want)

	_, err = e.dir.UpdateUser(ctx, directory.ByID(randomUUID()), directory.UserPatch{Title: directory.Ptr("x")})
	wantErr(t, "UpdateUser(unknown user)", err, directory.ErrNotFound)
}

func testUserRename(t *testing.T, e *env) {
	ctx := t.Context()
	oldName := e.name(t, "rn")
	u := e.mkUser(t, directory.NewUser{Username: oldName, Description: "kept", UIDNumber: number()})
	other := e.mkUser(t, directory.NewUser{Username: e.name(t, "ro")})
	g := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "rg"), Members: []directory.PrincipalRef{
		directory.UserRef(directory.ByID(u.ID)),
	}})

	newName := e.name(t, "rx")
	got, err := e.dir.RenameUser(ctx, directory.ByName(oldName), newName)
	must(t, "RenameUser", err)
	if got.ID != u.ID || got.Username != newName || got.Description != "kept" || got.UIDNumber != u.UIDNumber {
		t.Errorf("RenameUser = {ID %q Username %q Description %q UIDNumber %d}, want {%q %q %q %d}",
			got.ID, got.Username, got.Description, got.UIDNumber, u.ID, newName, "kept", u.UIDNumber)
	}
	if byDN, err := e.dir.GetUser(ctx, directory.ByDN(got.DN)); err != nil || byDN.ID != u.ID {
		t.Errorf("GetUser(new DN %s) = %v, %v", got.DN, byDN, err)
	}
	if byName := e.getUser(t, directory.ByName(newName)); byName.ID != u.ID {
		t.Errorf("GetUser(new name) has ID %q, want %q", byName.ID, u.ID)
	}
	_, err = e.dir.GetUser(ctx, directory.ByName(oldName))
	wantErr(t, "GetUser(old name)", err, directory.ErrNotFound)
	if !directory.EqualDN(got.DN, u.DN) {
		_, err = e.dir.GetUser(ctx, directory.ByDN(u.DN))
		wantErr(t, "GetUser(old DN)", err, directory.ErrNotFound)
	}
	sameSet(t, "Members after rename", e.members(t, directory.ByID(g.ID), false), []string{directUser(newName)})
	sameSet(t, "MemberOf after rename", e.memberOf(t, directory.UserRef(directory.ByID(u.ID)), false), []string{inGroup(g.Name)})

	_, err = e.dir.RenameUser(ctx, directory.ByID(u.ID), other.Username)
	wantErr(t, "RenameUser to a taken name", err, directory.ErrAlreadyExists)
	_, err = e.dir.RenameUser(ctx, directory.ByID(u.ID), "")
	wantErr(t, "RenameUser to an empty name", err, directory.ErrInvalidInput)
	_, err = e.dir.RenameUser(ctx, directory.ByID(randomUUID()), e.name(t, "ry"))
	wantErr(t, "RenameUser(unknown user)", err, directory.ErrNotFound)
	if still := e.getUser(t, directory.ByID(u.ID)); still.Username != newName {
		t.Errorf("after refused renames the username is %q, want %q", still.Username, newName)
	}

	// The old name is free again.
	e.mkUser(t, directory.NewUser{Username: oldName})
}

func testUserMove(t *testing.T, e *env) {
	ctx := t.Context()
	a, b := e.mkOU(t, "", "from"), e.mkOU(t, "", "to")
	nu := e.fullUser(t, "mv")
	nu.ParentDN = a.DN
	u := e.mkUser(t, nu)
	g := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "mg"), Members: []directory.PrincipalRef{
		directory.UserRef(directory.ByID(u.ID)),
	}})

	got, err := e.dir.MoveUser(ctx, directory.ByID(u.ID), otherSpelling(b.DN))
	must(t, "MoveUser", err)
	want := expectedUser(nu)
	want.ID = u.ID
	checkUser(t, "MoveUser result", got, want)
	if parent, _ := directory.ParentDN(got.DN); !directory.EqualDN(parent, b.DN) {
		t.Errorf("after MoveUser the DN is %q, want one under %q", got.DN, b.DN)
	}
	checkUser(t, "GetUser(new DN)", e.getUser(t, directory.ByDN(got.DN)), want)
	_, err = e.dir.GetUser(ctx, directory.ByDN(u.DN))
	wantErr(t, "GetUser(old DN)", err, directory.ErrNotFound)
	sameSet(t, "Members after move", e.members(t, directory.ByID(g.ID), false), []string{directUser(u.Username)})
	sameSet(t, "MemberOf after move", e.memberOf(t, directory.UserRef(directory.ByID(u.ID)), false), []string{inGroup(g.Name)})
	sameSet(t, "users in the old OU", usernames(e.searchUsers(t, directory.Query{Base: a.DN, Scope: directory.ScopeOneLevel}).Items), nil)
	sameSet(t, "users in the new OU", usernames(e.searchUsers(t, directory.Query{Base: b.DN, Scope: directory.ScopeOneLevel}).Items), []string{u.Username})

	// Moving where it already is changes nothing.
	again, err := e.dir.MoveUser(ctx, directory.ByID(u.ID), b.DN)
	must(t, "MoveUser to its own parent", err)
	if !directory.EqualDN(again.DN, got.DN) {
		t.Errorf("MoveUser to its own parent changed the DN from %q to %q", got.DN, again.DN)
	}

	_, err = e.dir.MoveUser(ctx, directory.ByID(u.ID), directory.ChildDN("ou", "missing", e.base))
	wantErr(t, "MoveUser to a missing OU", err, directory.ErrNotFound)
	_, err = e.dir.MoveUser(ctx, directory.ByID(u.ID), "ou=elsewhere,dc=invalid,dc=test")
	wantErr(t, "MoveUser outside the base", err, directory.ErrInvalidInput)
	_, err = e.dir.MoveUser(ctx, directory.ByID(randomUUID()), a.DN)
	wantErr(t, "MoveUser(unknown user)", err, directory.ErrNotFound)
	if still := e.getUser(t, directory.ByID(u.ID)); !directory.EqualDN(still.DN, got.DN) {
		t.Errorf("after refused moves the DN is %q, want %q", still.DN, got.DN)
	}
}

func testUserDelete(t *testing.T, e *env) {
	ctx := t.Context()
	name := e.name(t, "de")
	u := e.mkUser(t, directory.NewUser{Username: name, UIDNumber: number()})
	keep := e.mkUser(t, directory.NewUser{Username: e.name(t, "dk")})
	g := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "dg"), Members: []directory.PrincipalRef{
		directory.UserRef(directory.ByID(u.ID)), directory.UserRef(directory.ByID(keep.ID)),
	}})

	must(t, "DeleteUser", e.dir.DeleteUser(ctx, directory.ByName(name)))
	for _, ref := range []directory.Ref{
		directory.ByID(u.ID), directory.ByDN(u.DN), directory.ByName(name), directory.ByNumber(u.UIDNumber),
	} {
		_, err := e.dir.GetUser(ctx, ref)
		wantErr(t, fmt.Sprintf("GetUser(%s) after DeleteUser", ref), err, directory.ErrNotFound)
	}
	sameSet(t, "Members after DeleteUser", e.members(t, directory.ByID(g.ID), false), []string{directUser(keep.Username)})
	wantErr(t, "DeleteUser again", e.dir.DeleteUser(ctx, directory.ByID(u.ID)), directory.ErrNotFound)
	wantErr(t, "DeleteUser(invalid ref)", e.dir.DeleteUser(ctx, directory.Ref{}), directory.ErrInvalidInput)

	// The username is free again, for a new entry with a new id.
	again := e.mkUser(t, directory.NewUser{Username: name})
	if again.ID == u.ID {
		t.Errorf("a recreated user got the deleted user's ID %q", u.ID)
	}
	sameSet(t, "MemberOf(recreated user)", e.memberOf(t, directory.UserRef(directory.ByID(again.ID)), false), nil)
}

func testUserExtraAttributes(t *testing.T, e *env) {
	if len(e.caps.ExtraAttributes) == 0 {
		t.Skip("capability ExtraAttributes is empty: the backend carries no extra user attributes")
	}
	ctx := t.Context()
	attr := e.caps.ExtraAttributes[0]
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "ea"), Attributes: map[string][]string{attr: {"12345"}}})
	if d := diffAttributes(u.Attributes, map[string][]string{attr: {"12345"}}); len(d) > 0 {
		t.Errorf("CreateUser: %v", d)
	}
	got := e.getUser(t, directory.ByID(u.ID))
	if d := diffAttributes(got.Attributes, map[string][]string{attr: {"12345"}}); len(d) > 0 {
		t.Errorf("GetUser: %v", d)
	}
	find := func(v string) []string {
		return usernames(e.searchUsers(t, directory.Query{Filter: directory.Eq(directory.AttributeField(attr), v)}).Items)
	}
	sameSet(t, "search by the attribute", find("12345"), []string{u.Username})

	// Attribute names ignore case, as in LDAP.
	got, err := e.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{
		Attributes: map[string][]string{strings.ToUpper(attr): {"67890"}},
	})
	must(t, "UpdateUser(attribute)", err)
	if d := diffAttributes(got.Attributes, map[string][]string{attr: {"67890"}}); len(d) > 0 {
		t.Errorf("UpdateUser: %v", d)
	}
	sameSet(t, "search by the old value", find("12345"), nil)
	sameSet(t, "search by the new value", find("67890"), []string{u.Username})

	// A patch leaves attributes it does not name alone.
	if len(e.caps.ExtraAttributes) > 1 {
		second := e.caps.ExtraAttributes[1]
		_, err := e.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{
			Attributes: map[string][]string{second: {"24680"}},
		})
		must(t, "UpdateUser(second attribute)", err)
		got = e.getUser(t, directory.ByID(u.ID))
		if d := diffAttributes(got.Attributes, map[string][]string{attr: {"67890"}, second: {"24680"}}); len(d) > 0 {
			t.Errorf("after patching %s: %v", second, d)
		}
		_, err = e.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{
			Attributes: map[string][]string{second: {}},
		})
		must(t, "UpdateUser(remove second attribute)", err)
	}

	_, err = e.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{Attributes: map[string][]string{attr: {}}})
	must(t, "UpdateUser(remove attribute)", err)
	if got := e.getUser(t, directory.ByID(u.ID)); len(diffAttributes(got.Attributes, nil)) > 0 {
		t.Errorf("after removing %s: Attributes = %q", attr, got.Attributes)
	}
	sameSet(t, "search for the removed attribute", usernames(e.searchUsers(t, directory.Query{
		Filter: directory.Present(directory.AttributeField(attr)),
	}).Items), nil)
}
