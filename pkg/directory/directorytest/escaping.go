package directorytest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

var escapingTests = []test{
	{"SpecialNames", testSpecialNames},
	{"SpecialValues", testSpecialValues},
	{"SpecialOU", testSpecialOU},
	{"Unicode", testUnicode},
	{"NUL", testNUL},
}

// specials are the characters that mean something in an LDAP filter or
// DN. A value holding them is stored and found literally, and never
// matches anything else.
var specials = []string{"*", "(", ")", `\`, ",", "=", "+", "<", ">", "#", ";", `"`}

// refused reports whether the backend refused a name it cannot store, as
// the port allows (Active Directory refuses most of these characters in a
// sAMAccountName); any other error fails the test.
func refused(t *testing.T, what string, err error) bool {
	t.Helper()
	if err == nil {
		return false
	}
	if errors.Is(err, directory.ErrInvalidInput) {
		t.Logf("%s: refused by the backend: %v", what, err)
		return true
	}
	t.Fatalf("%s: got %v, want success or ErrInvalidInput", what, err)
	return true
}

func testSpecialNames(t *testing.T, e *env) {
	ctx := t.Context()
	var stored []*directory.User
	names := []string{"#" + e.tok} // a leading '#' is escaped in a DN
	for _, c := range specials {
		names = append(names, "x"+c+e.tok)
	}
	names = append(names, "x y"+e.tok)
	for _, name := range names {
		u, err := e.dir.CreateUser(ctx, directory.NewUser{ParentDN: e.base, Username: name, Surname: "Special"})
		if refused(t, fmt.Sprintf("CreateUser(%q)", name), err) {
			continue
		}
		if u.Username != name {
			t.Errorf("CreateUser(%q) stored the username as %q", name, u.Username)
		}
		stored = append(stored, u)
	}
	for _, u := range stored {
		if got := e.getUser(t, directory.ByName(u.Username)); got.ID != u.ID || got.Username != u.Username {
			t.Errorf("GetUser(name %q) = %q (ID %q), want ID %q", u.Username, got.Username, got.ID, u.ID)
		}
		if got := e.getUser(t, directory.ByDN(u.DN)); got.ID != u.ID {
			t.Errorf("GetUser(DN %q) has ID %q, want %q", u.DN, got.ID, u.ID)
		}
		p := e.searchUsers(t, directory.Query{Filter: directory.Eq(directory.FieldUsername, u.Username)})
		sameSet(t, fmt.Sprintf("SearchUsers(username = %q)", u.Username), usernames(p.Items), []string{u.Username})
	}
	// Substring searches with a special character find exactly the names
	// holding it.
	for _, c := range append(specials, " ") {
		var want []string
		for _, u := range stored {
			if strings.Contains(u.Username, c) {
				want = append(want, u.Username)
			}
		}
		p := e.searchUsers(t, directory.Query{Filter: directory.Contains(directory.FieldUsername, c)})
		sameSet(t, fmt.Sprintf("SearchUsers(username contains %q)", c), usernames(p.Items), want)
		p = e.searchUsers(t, directory.Query{Filter: directory.StartsWith(directory.FieldUsername, "x"+c)})
		want = nil
		for _, u := range stored {
			if strings.HasPrefix(u.Username, "x"+c) {
				want = append(want, u.Username)
			}
		}
		sameSet(t, fmt.Sprintf("SearchUsers(username starts with %q)", "x"+c), usernames(p.Items), want)
		p = e.searchUsers(t, directory.Query{Filter: directory.EndsWith(directory.FieldUsername, c+e.tok)})
		want = nil
		for _, u := range stored {
			if strings.HasSuffix(u.Username, c+e.tok) {
				want = append(want, u.Username)
			}
		}
		sameSet(t, fmt.Sprintf("SearchUsers(username ends with %q)", c+e.tok), usernames(p.Items), want)
	}
	// Filter syntax in a value is a value: it matches nothing here.
	for _, probe := range []string{"*", "x*", "x)(uid=*", "*)(|(uid=*", `x\2a` + e.tok, `\`, "x"} {
		p := e.searchUsers(t, directory.Query{Filter: directory.Eq(directory.FieldUsername, probe)})
		sameSet(t, fmt.Sprintf("SearchUsers(username = %q)", probe), usernames(p.Items), nil)
	}
	p := e.searchUsers(t, directory.Query{Filter: directory.StartsWith(directory.FieldUsername, "*")})
	sameSet(t, `SearchUsers(username starts with "*")`, usernames(p.Items), nil)
	for _, probe := range []string{"*", ")", `\`, "*)(uid=*", `\2a` + e.tok} {
		p = e.searchUsers(t, directory.Query{Filter: directory.EndsWith(directory.FieldUsername, probe)})
		sameSet(t, fmt.Sprintf("SearchUsers(username ends with %q)", probe), usernames(p.Items), nil)
	}

	// Group names with the same characters.
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "gm")})
	for _, c := range []string{"*", "(", `\`, ",", "+", `"`, "#", "="} {
		name := "g" + c + e.tok
		g, err := e.dir.CreateGroup(ctx, directory.NewGroup{ParentDN: e.base, Name: name,
			Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(u.ID))}})
		if refused(t, fmt.Sprintf("CreateGroup(%q)", name), err) {
			continue
		}
		checkGroup(t, fmt.Sprintf("GetGroup(name %q)", name), e.getGroup(t, directory.ByName(name)), &directory.Group{ID: g.ID, DN: g.DN, Name: name})
		checkGroup(t, fmt.Sprintf("GetGroup(DN %q)", g.DN), e.getGroup(t, directory.ByDN(g.DN)), &directory.Group{ID: g.ID, Name: name})
		sameSet(t, fmt.Sprintf("Members(%q)", name), e.members(t, directory.ByDN(g.DN), false), []string{directUser(u.Username)})
		gp := e.searchGroups(t, directory.Query{Filter: directory.Eq(directory.FieldName, name)})
		sameSet(t, fmt.Sprintf("SearchGroups(name = %q)", name), groupNames(gp.Items), []string{name})
	}
	gp := e.searchGroups(t, directory.Query{Filter: directory.Eq(directory.FieldName, "*")})
	sameSet(t, `SearchGroups(name = "*")`, groupNames(gp.Items), nil)
}

func testSpecialValues(t *testing.T, e *env) {
	spaced := strings.Join(specials, " ")
	mk := func(prefix, display, description string) *directory.User {
		return e.mkUser(t, directory.NewUser{Username: e.name(t, prefix), DisplayName: display, Description: description})
	}
	v1 := mk("v1", "*", "a)(uid=*")
	v2 := mk("v2", `x\2a`, "*)(|(objectClass=*")
	v3 := mk("v3", spaced, "plain")
	v4 := mk("v4", "plain", `\`)
	v5 := mk("v5", " leading and trailing ", "#hash")

	for _, u := range []*directory.User{v1, v2, v3, v4, v5} {
		got := e.getUser(t, directory.ByID(u.ID))
		if got.DisplayName != u.DisplayName || got.Description != u.Description {
			t.Errorf("GetUser(%s): DisplayName %q Description %q, want %q %q",
				u.Username, got.DisplayName, got.Description, u.DisplayName, u.Description)
		}
	}
	for _, c := range []struct {
		f    directory.Filter
		want []*directory.User
	}{
		{directory.Eq(directory.FieldDisplayName, "*"), []*directory.User{v1}},
		{directory.Eq(directory.FieldDisplayName, `x\2a`), []*directory.User{v2}},
		{directory.Eq(directory.FieldDisplayName, "x*"), nil},
		{directory.Eq(directory.FieldDisplayName, spaced), []*directory.User{v3}},
		{directory.Eq(directory.FieldDescription, "a)(uid=*"), []*directory.User{v1}},
		{directory.Eq(directory.FieldDescription, "*)(|(objectClass=*"), []*directory.User{v2}},
		{directory.Eq(directory.FieldDescription, "*"), nil},
		{directory.Eq(directory.FieldDescription, `\`), []*directory.User{v4}},
		{directory.Eq(directory.FieldDescription, "#hash"), []*directory.User{v5}},
		{directory.Contains(directory.FieldDisplayName, "*"), []*directory.User{v1, v3}},
		{directory.Contains(directory.FieldDisplayName, `\`), []*directory.User{v2, v3}},
		{directory.Contains(directory.FieldDescription, ")("), []*directory.User{v1, v2}},
		{directory.Contains(directory.FieldDisplayName, `"`), []*directory.User{v3}},
		{directory.StartsWith(directory.FieldDescription, "*"), []*directory.User{v2}},
		{directory.StartsWith(directory.FieldDescription, "a)"), []*directory.User{v1}},
		{directory.EndsWith(directory.FieldDescription, "=*"), []*directory.User{v1, v2}},
		{directory.EndsWith(directory.FieldDisplayName, `\2a`), []*directory.User{v2}},
		{directory.EndsWith(directory.FieldDisplayName, "*"), []*directory.User{v1}},
		{directory.EndsWith(directory.FieldDescription, `\`), []*directory.User{v4}},
		{directory.EndsWith(directory.FieldDescription, "(uid=*"), []*directory.User{v1}},
		{directory.EndsWith(directory.FieldDisplayName, "trailing "), []*directory.User{v5}},
		{directory.In(directory.FieldDescription, "*", "plain", "a)(uid="), []*directory.User{v3}},
		{directory.Not{Filter: directory.Eq(directory.FieldDisplayName, "*")}, []*directory.User{v2, v3, v4, v5}},
	} {
		var want []string
		for _, u := range c.want {
			want = append(want, u.Username)
		}
		p := e.searchUsers(t, directory.Query{Filter: c.f})
		sameSet(t, "SearchUsers("+describeFilter(c.f)+")", usernames(p.Items), want)
	}
}

func testSpecialOU(t *testing.T, e *env) {
	ctx := t.Context()
	name := `#OU *(),=+<>;"\ end`
	ou, err := e.dir.CreateOU(ctx, directory.NewOU{ParentDN: e.base, Name: name, Description: allSpecials()})
	must(t, fmt.Sprintf("CreateOU(%q)", name), err)
	checkOU(t, "GetOU(special DN)", e.getOU(t, directory.ByDN(ou.DN)), &directory.OU{ID: ou.ID, Name: name, Description: allSpecials()})
	sameSet(t, "ListOUs with a special name", ouNames(e.listOUs(t, e.base, directory.ScopeOneLevel)), []string{name})

	inner, err := e.dir.CreateOU(ctx, directory.NewOU{ParentDN: ou.DN, Name: "a,b=c"})
	must(t, "CreateOU below the special OU", err)
	u := e.mkUser(t, directory.NewUser{ParentDN: inner.DN, Username: e.name(t, "in")})
	if parent, _ := directory.ParentDN(u.DN); !directory.EqualDN(parent, inner.DN) {
		t.Errorf("user DN %q is not below %q", u.DN, inner.DN)
	}
	checkUser(t, "GetUser(DN below the special OU)", e.getUser(t, directory.ByDN(u.DN)),
		&directory.User{ID: u.ID, Username: u.Username, Surname: u.Surname, Enabled: true})
	p := e.searchUsers(t, directory.Query{Base: ou.DN})
	sameSet(t, "SearchUsers below the special OU", usernames(p.Items), []string{u.Username})
	kids, err := e.dir.Children(ctx, inner.DN)
	must(t, "Children(special OU)", err)
	sameSet(t, "Children(special OU)", entryKeys(kids), []string{"user:" + u.Username})
	res, err := e.dir.Resolve(ctx, name)
	must(t, "Resolve(special OU name)", err)
	if len(res) != 1 || res[0].ID != ou.ID || res[0].Name != name {
		t.Errorf("Resolve(%q) = %+v, want the OU %s", name, res, ou.ID)
	}

	moved, err := e.dir.MoveUser(ctx, directory.ByID(u.ID), e.base)
	must(t, "MoveUser out of the special OU", err)
	moved, err = e.dir.MoveUser(ctx, directory.ByDN(moved.DN), inner.DN)
	must(t, "MoveUser into the special OU", err)
	if parent, _ := directory.ParentDN(moved.DN); !directory.EqualDN(parent, inner.DN) {
		t.Errorf("after moving back the DN is %q, want one below %q", moved.DN, inner.DN)
	}
	must(t, "DeleteOU(special, recursive)", e.dir.DeleteOU(ctx, directory.ByDN(ou.DN), true))
	_, err = e.dir.GetUser(ctx, directory.ByID(u.ID))
	wantErr(t, "GetUser after deleting the special OU", err, directory.ErrNotFound)
}

func allSpecials() string { return strings.Join(specials, "") }

func testUnicode(t *testing.T, e *env) {
	ctx := t.Context()
	ou, err := e.dir.CreateOU(ctx, directory.NewOU{ParentDN: e.base, Name: "Bürö", City: "Köln"})
	must(t, "CreateOU(Bürö)", err)
	desc := "Grüße aus Köln: ñ ø ß 漢字 🙂"
	j := e.mkUser(t, directory.NewUser{Username: "jürgen", GivenName: "Jürgen", Surname: "Wördy",
		DisplayName: "Jürgen Wördy", Description: desc, Password: password3})
	w := e.mkUser(t, directory.NewUser{ParentDN: ou.DN, Username: "wördy", DisplayName: "Wördy"})
	g := e.mkGroup(t, directory.NewGroup{Name: "grüppe" + e.tok, Description: "Gruppe für Umlaute",
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByName("jürgen")), directory.UserRef(directory.ByName("wördy"))}})

	for _, ref := range []directory.Ref{directory.ByName("jürgen"), directory.ByDN(j.DN), directory.ByID(j.ID)} {
		got := e.getUser(t, ref)
		if got.Username != "jürgen" || got.DisplayName != "Jürgen Wördy" || got.Description != desc || got.ID != j.ID {
			t.Errorf("GetUser(%s) = %q %q %q, want jürgen", ref, got.Username, got.DisplayName, got.Description)
		}
	}
	checkOU(t, "GetOU(Bürö)", e.getOU(t, directory.ByDN(ou.DN)), &directory.OU{ID: ou.ID, Name: "Bürö", City: "Köln"})
	e.verifyOK(t, directory.ByName("jürgen"), password3, j.ID)

	for _, c := range []struct {
		f    directory.Filter
		want []string
	}{
		{directory.Eq(directory.FieldUsername, "jürgen"), []string{"jürgen"}},
		{directory.StartsWith(directory.FieldUsername, "jür"), []string{"jürgen"}},
		{directory.StartsWith(directory.FieldUsername, "wö"), []string{"wördy"}},
		{directory.Contains(directory.FieldDisplayName, "wörd"), []string{"jürgen", "wördy"}},
		{directory.Eq(directory.FieldGivenName, "JÜRGEN"), []string{"jürgen"}},
		{directory.Eq(directory.FieldDescription, desc), []string{"jürgen"}},
		{directory.Contains(directory.FieldDescription, "漢字"), []string{"jürgen"}},
		{directory.Eq(directory.FieldUsername, "jurgen"), nil},
	} {
		p := e.searchUsers(t, directory.Query{Filter: c.f})
		sameSet(t, "SearchUsers("+describeFilter(c.f)+")", usernames(p.Items), c.want)
	}
	sameSet(t, "Members(grüppe)", e.members(t, directory.ByName(g.Name), false), []string{directUser("jürgen"), directUser("wördy")})
	sameSet(t, "MemberOf(wördy)", e.memberOf(t, directory.UserRef(directory.ByName("wördy")), false), []string{inGroup(g.Name)})
	kids, err := e.dir.Children(ctx, ou.DN)
	must(t, "Children(Bürö)", err)
	sameSet(t, "Children(Bürö)", entryKeys(kids), []string{"user:wördy"})
	if got := e.getUser(t, directory.ByDN(otherSpelling(w.DN))); got.ID != w.ID {
		t.Errorf("GetUser(DN of wördy in upper case) has ID %q, want %q", got.ID, w.ID)
	}
}

func testNUL(t *testing.T, e *env) {
	ctx := t.Context()
	decoy := e.mkUser(t, directory.NewUser{Username: e.name(t, "n"), Description: "x"})

	// A NUL in a value: stored literally or refused, never cut short.
	withNUL, err := e.dir.CreateUser(ctx, directory.NewUser{ParentDN: e.base, Username: e.name(t, "v"),
		Surname: "Nul", Description: "x\x00y"})
	var want []string
	if !refused(t, "CreateUser(description with NUL)", err) {
		got := e.getUser(t, directory.ByID(withNUL.ID))
		if got.Description != "x\x00y" {
			t.Errorf("a description with NUL was stored as %q, want %q", got.Description, "x\x00y")
		}
		want = []string{withNUL.Username}
	} else if _, err := e.dir.GetUser(ctx, directory.ByName(e.name(t, "v"))); err == nil {
		t.Error("CreateUser with NUL was refused but created the user")
	}
	p := e.searchUsers(t, directory.Query{Filter: directory.Eq(directory.FieldDescription, "x")})
	sameSet(t, `SearchUsers(description = "x")`, usernames(p.Items), []string{decoy.Username})
	p2, err := e.dir.SearchUsers(ctx, directory.Query{Base: e.base, Filter: directory.Eq(directory.FieldDescription, "x\x00y")})
	if !refused(t, "SearchUsers(description with NUL)", err) {
		sameSet(t, "SearchUsers(description with NUL)", usernames(p2.Items), want)
	}
	p2, err = e.dir.SearchUsers(ctx, directory.Query{Base: e.base, Filter: directory.EndsWith(directory.FieldDescription, "\x00y")})
	if !refused(t, "SearchUsers(description ends with NUL y)", err) {
		sameSet(t, "SearchUsers(description ends with NUL y)", usernames(p2.Items), want)
	}

	// A NUL in a name.
	name := "n\x00" + e.tok
	u, err := e.dir.CreateUser(ctx, directory.NewUser{ParentDN: e.base, Username: name, Surname: "Nul"})
	if refused(t, "CreateUser(username with NUL)", err) {
		return
	}
	if got := e.getUser(t, directory.ByName(name)); got.ID != u.ID || got.Username != name {
		t.Errorf("GetUser(name with NUL) = %q (ID %q), want %q (ID %q)", got.Username, got.ID, name, u.ID)
	}
	if got := e.getUser(t, directory.ByDN(u.DN)); got.ID != u.ID {
		t.Errorf("GetUser(DN with NUL) has ID %q, want %q", got.ID, u.ID)
	}
	_, err = e.dir.GetUser(ctx, directory.ByName("n"))
	wantErr(t, `GetUser(name "n")`, err, directory.ErrNotFound)
	p = e.searchUsers(t, directory.Query{Filter: directory.StartsWith(directory.FieldUsername, "n")})
	sameSet(t, `SearchUsers(username starts with "n")`, usernames(p.Items), []string{decoy.Username, name})
	p = e.searchUsers(t, directory.Query{Filter: directory.EndsWith(directory.FieldUsername, "\x00"+e.tok)})
	sameSet(t, `SearchUsers(username ends with NUL + token)`, usernames(p.Items), []string{name})
	p = e.searchUsers(t, directory.Query{Filter: directory.EndsWith(directory.FieldUsername, e.tok)})
	// The user with a NUL in its description, if stored, ends with it too.
	sameSet(t, `SearchUsers(username ends with token)`, usernames(p.Items), append([]string{decoy.Username, name}, want...))
}
