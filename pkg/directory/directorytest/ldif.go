package directorytest

import (
	"bufio"
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

var ldifTests = []test{
	{"RoundTrip", testLDIFRoundTrip},
	{"Replace", testLDIFReplace},
}

// snapshot is everything below Base, keyed by name (users, groups) or
// normalized DN (OUs), with ids cleared: an import through LDAP may give
// entries new ids.
type snapshot struct {
	users   map[string]directory.User
	groups  map[string]directory.Group
	members map[string][]string
	ous     map[string]directory.OU
}

func (e *env) snapshot(t *testing.T) snapshot {
	t.Helper()
	s := snapshot{users: map[string]directory.User{}, groups: map[string]directory.Group{},
		members: map[string][]string{}, ous: map[string]directory.OU{}}
	for _, u := range e.searchUsers(t, directory.Query{}).Items {
		u.ID = ""
		s.users[u.Username] = u
	}
	for _, g := range e.searchGroups(t, directory.Query{}).Items {
		s.members[g.Name] = e.members(t, directory.ByID(g.ID), false)
		g.ID = ""
		s.groups[g.Name] = g
	}
	for _, o := range e.listOUs(t, e.base, directory.ScopeSubtree) {
		key, err := directory.NormalizeDN(o.DN)
		must(t, "NormalizeDN", err)
		o.ID = ""
		s.ous[key] = o
	}
	return s
}

// sameSnapshot compares two snapshots field by field.
func sameSnapshot(t *testing.T, what string, got, want snapshot) {
	t.Helper()
	sameSet(t, what+": users", slices.Collect(maps.Keys(got.users)), slices.Collect(maps.Keys(want.users)))
	for name, w := range want.users {
		if g, ok := got.users[name]; ok {
			checkUser(t, what, &g, &w)
		}
	}
	sameSet(t, what+": groups", slices.Collect(maps.Keys(got.groups)), slices.Collect(maps.Keys(want.groups)))
	for name, w := range want.groups {
		if g, ok := got.groups[name]; ok {
			checkGroup(t, what, &g, &w)
			sameSet(t, what+": members of "+name, got.members[name], want.members[name])
		}
	}
	sameSet(t, what+": OUs", slices.Collect(maps.Keys(got.ous)), slices.Collect(maps.Keys(want.ous)))
	for dn, w := range want.ous {
		if g, ok := got.ous[dn]; ok {
			checkOU(t, what, &g, &w)
		}
	}
}

// records counts the entries of an LDIF file.
func records(ldif []byte) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(ldif))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "dn:") {
			n++
		}
	}
	return n
}

// export writes the directory as LDIF and checks the count and that no
// password shows in clear.
func (e *env) export(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := e.dir.Export(t.Context(), &buf)
	must(t, "Export", err)
	if r := records(buf.Bytes()); n != r || n == 0 {
		t.Errorf("Export said it wrote %d entries; the file holds %d", n, r)
	}
	for _, p := range []string{password1, password2, password3} {
		if bytes.Contains(buf.Bytes(), []byte(p)) {
			t.Error("the export holds a password in clear")
		}
	}
	return buf.Bytes()
}

func testLDIFRoundTrip(t *testing.T, e *env) {
	ctx := t.Context()
	sub, err := e.dir.CreateOU(ctx, directory.NewOU{ParentDN: e.base, Name: "Exported", Description: "for the round trip",
		Street: "Main Street 1", City: "Köln", State: "NRW", PostalCode: "50667", Country: "Germany"})
	must(t, "CreateOU", err)
	inner := e.mkOU(t, sub.DN, "Inner")

	full := e.fullUser(t, "x1")
	full.ParentDN, full.Password = sub.DN, password1
	if len(e.caps.ExtraAttributes) > 0 {
		full.Attributes = map[string][]string{e.caps.ExtraAttributes[0]: {"777"}}
	}
	u1 := e.mkUser(t, full)
	u2 := e.mkUser(t, directory.NewUser{ParentDN: inner.DN, Username: e.name(t, "x2"), Password: password2, Disabled: true})
	u3 := e.mkUser(t, directory.NewUser{Username: e.name(t, "x3"), Password: password3, MustChangePassword: true,
		InvitationPending: true, InvitationExpiry: time.Now().Add(24 * time.Hour).Truncate(time.Second), System: true,
		UIDNumber: number(), GIDNumber: number(), HomeDirectory: "/home/x3"})
	u4 := e.mkUser(t, directory.NewUser{Username: e.name(t, "ü"), DisplayName: " Ünïcödé " + allSpecials(),
		Description: "two\nlines", UIDNumber: number(), GIDNumber: number(), HomeDirectory: "/home/u4"})
	g1 := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "xg"), GIDNumber: number(), Description: "exported group",
		ExternalID: "ext-g1", Members: []directory.PrincipalRef{
			directory.UserRef(directory.ByID(u1.ID)), directory.UserRef(directory.ByID(u2.ID)),
		}})
	g2 := e.mkGroup(t, directory.NewGroup{ParentDN: inner.DN, Name: e.name(t, "xh"), GIDNumber: number(),
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(u3.ID)), directory.UserRef(directory.ByID(u4.ID))}})
	e.mkGroup(t, directory.NewGroup{Name: e.name(t, "xe"), System: true})
	if e.caps.NestedGroups {
		e.addMember(t, directory.ByID(g1.ID), directory.GroupRef(directory.ByID(g2.ID)))
	}
	before := e.snapshot(t)
	ldif := e.export(t)

	// Delete everything, import, and everything is back.
	e.cleanTree(t, e.base)
	if kids, err := e.dir.Children(ctx, e.base); err != nil || len(kids) != 0 {
		t.Fatalf("after deleting everything below Base: %d children, %v", len(kids), err)
	}
	n, err := e.dir.Import(ctx, bytes.NewReader(ldif), false)
	must(t, "Import", err)
	if n.Added < 9 || n.Replaced != 0 {
		t.Errorf("Import added %d and replaced %d entries, want at least the 9 deleted ones added and none replaced", n.Added, n.Replaced)
	}
	sameSnapshot(t, "after Import", e.snapshot(t), before)

	// Passwords and account states came back.
	e.verifyFails(t, "of the disabled user after Import", directory.ByName(u2.Username), password2, directory.ErrAccountDisabled)
	if e.caps.ExportOmitsPasswords {
		t.Log("capability ExportOmitsPasswords: the export holds no password hashes, so logons are not restored; " +
			"imported users have passwords nobody knows, and their account states are checked without logging on")
		e.verifyFails(t, "of an imported user with its exported password", directory.ByName(u1.Username), password1,
			directory.ErrInvalidCredentials)
		if !e.getUser(t, directory.ByName(u3.Username)).MustChangePassword {
			t.Error("after Import the must-change user need not change the password")
		}
	} else {
		e.verifyOK(t, directory.ByName(u1.Username), password1, e.getUser(t, directory.ByName(u1.Username)).ID)
		if got := e.verifyOK(t, directory.ByName(u3.Username), password3, e.getUser(t, directory.ByName(u3.Username)).ID); !got.MustChangePassword {
			t.Error("after Import the must-change user need not change the password")
		}
	}
	wantOf := []string{inGroup(g2.Name)}
	if e.caps.NestedGroups {
		wantOf = append(wantOf, viaGroup(g1.Name))
	}
	sameSet(t, "MemberOf(u4) after Import", e.memberOf(t, directory.UserRef(directory.ByName(u4.Username)), true), wantOf)

	// Importing again writes nothing and duplicates nothing.
	n, err = e.dir.Import(ctx, bytes.NewReader(ldif), false)
	must(t, "Import again", err)
	if n.Written() != 0 {
		t.Errorf("Import of entries that all exist wrote %+v, want nothing", n)
	}
	sameSnapshot(t, "after a second Import", e.snapshot(t), before)
}

func testLDIFReplace(t *testing.T, e *env) {
	ctx := t.Context()
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "rp"), Password: password1, Description: "original",
		UIDNumber: number(), GIDNumber: number(), HomeDirectory: "/home/rp"})
	g := e.mkGroup(t, directory.NewGroup{Name: e.name(t, "rg"), GIDNumber: number(),
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(u.ID))}})
	ldif := e.export(t)

	_, err := e.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{Description: directory.Ptr("changed")})
	must(t, "UpdateUser", err)
	must(t, "RemoveMember", e.dir.RemoveMember(ctx, directory.ByID(g.ID), directory.UserRef(directory.ByID(u.ID))))
	must(t, "SetPassword", e.dir.SetPassword(ctx, directory.ByID(u.ID), password2, false))
	late := e.mkUser(t, directory.NewUser{Username: e.name(t, "rl")})

	// Without replace, existing entries stay as they are.
	n, err := e.dir.Import(ctx, bytes.NewReader(ldif), false)
	must(t, "Import(replace=false)", err)
	if n.Written() != 0 {
		t.Errorf("Import(replace=false) of entries that all exist wrote %+v, want nothing", n)
	}
	if got := e.getUser(t, directory.ByName(u.Username)); got.Description != "changed" {
		t.Errorf("Import(replace=false) changed the description to %q", got.Description)
	}
	sameSet(t, "Members after Import(replace=false)", e.members(t, directory.ByName(g.Name), false), nil)

	// With replace, the exported state comes back; entries made since stay.
	n, err = e.dir.Import(ctx, bytes.NewReader(ldif), true)
	must(t, "Import(replace=true)", err)
	if n.Replaced < 2 || n.Added != 0 {
		t.Errorf("Import(replace=true) added %d and replaced %d entries, want the user and the group (at least) replaced and none added",
			n.Added, n.Replaced)
	}
	got := e.getUser(t, directory.ByName(u.Username))
	if got.Description != "original" {
		t.Errorf("after Import(replace=true) the description is %q, want %q", got.Description, "original")
	}
	sameSet(t, "Members after Import(replace=true)", e.members(t, directory.ByName(g.Name), false), []string{directUser(u.Username)})
	if e.caps.ExportOmitsPasswords {
		// The import restores no password: the one set since stays.
		e.verifyOK(t, directory.ByName(u.Username), password2, got.ID)
	} else {
		e.verifyOK(t, directory.ByName(u.Username), password1, got.ID)
	}
	e.getUser(t, directory.ByID(late.ID))
	p := e.searchUsers(t, directory.Query{Filter: directory.Eq(directory.FieldUsername, u.Username)})
	if p.Total != 1 {
		t.Errorf("after Import(replace=true) %d users are called %q, want 1", p.Total, u.Username)
	}
}
