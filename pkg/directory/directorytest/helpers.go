package directorytest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// mkUser creates a user (under Base unless ParentDN is set) and fails the
// test if that does not work.
func (e *env) mkUser(t *testing.T, nu directory.NewUser) *directory.User {
	t.Helper()
	if nu.ParentDN == "" {
		nu.ParentDN = e.base
	}
	if nu.Surname == "" {
		nu.Surname = "Tester"
	}
	u, err := e.dir.CreateUser(t.Context(), nu)
	if err != nil {
		t.Fatalf("CreateUser(%q under %s): %v", nu.Username, nu.ParentDN, err)
	}
	return u
}

// mkGroup creates a group (under Base unless ParentDN is set).
func (e *env) mkGroup(t *testing.T, ng directory.NewGroup) *directory.Group {
	t.Helper()
	if ng.ParentDN == "" {
		ng.ParentDN = e.base
	}
	g, err := e.dir.CreateGroup(t.Context(), ng)
	if err != nil {
		t.Fatalf("CreateGroup(%q under %s): %v", ng.Name, ng.ParentDN, err)
	}
	return g
}

// mkOU creates an OU below parent (Base when empty).
func (e *env) mkOU(t *testing.T, parent, name string) *directory.OU {
	t.Helper()
	if parent == "" {
		parent = e.base
	}
	ou, err := e.dir.CreateOU(t.Context(), directory.NewOU{ParentDN: parent, Name: name})
	if err != nil {
		t.Fatalf("CreateOU(%q under %s): %v", name, parent, err)
	}
	return ou
}

// getUser reads a user and fails the test if that does not work.
func (e *env) getUser(t *testing.T, ref directory.Ref) *directory.User {
	t.Helper()
	u, err := e.dir.GetUser(t.Context(), ref)
	if err != nil {
		t.Fatalf("GetUser(%s): %v", ref, err)
	}
	return u
}

// getGroup reads a group and fails the test if that does not work.
func (e *env) getGroup(t *testing.T, ref directory.Ref) *directory.Group {
	t.Helper()
	g, err := e.dir.GetGroup(t.Context(), ref)
	if err != nil {
		t.Fatalf("GetGroup(%s): %v", ref, err)
	}
	return g
}

// wantErr checks that err wraps want.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got error %v, want one wrapping %q", what, err, want)
	}
}

// wantErrOneOf checks that err wraps one of wants: for the few cases where
// the port leaves the choice to the backend.
func wantErrOneOf(t *testing.T, what string, err error, wants ...error) {
	t.Helper()
	for _, w := range wants {
		if errors.Is(err, w) {
			return
		}
	}
	t.Errorf("%s: got error %v, want one wrapping one of %q", what, err, wants)
}

// must fails the test when err is not nil.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// sameSet compares two lists as sets (order ignored; duplicates in got are
// an error).
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s:\n got  %q\n want %q", what, g, w)
	}
}

// usernames lists the usernames of users, in their order.
func usernames(us []directory.User) []string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Username
	}
	return out
}

// groupNames lists the names of groups, in their order.
func groupNames(gs []directory.Group) []string {
	out := make([]string, len(gs))
	for i, g := range gs {
		out[i] = g.Name
	}
	return out
}

// sameTime compares times at the second, the precision LDAP's
// GeneralizedTime keeps everywhere.
func sameTime(a, b time.Time) bool {
	d := a.Sub(b)
	return d > -time.Second && d < time.Second
}

// recent reports whether a directory timestamp is plausible for an entry
// created by this test: within a day of the test machine's clock, which
// allows for a server whose clock is off.
func recent(ts time.Time) bool {
	d := time.Since(ts)
	return d > -24*time.Hour && d < 24*time.Hour
}

// sameValues compares multi-valued attributes as sets: LDAP keeps no
// order of values.
func sameValues(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// diffUser lists how got differs from want in the model's fields. ID and
// DN are compared when want has them; timestamps are not.
func diffUser(got, want *directory.User) []string {
	var d []string
	str := func(name, g, w string) {
		if g != w {
			d = append(d, fmt.Sprintf("%s = %q, want %q", name, g, w))
		}
	}
	num := func(name string, g, w int64) {
		if g != w {
			d = append(d, fmt.Sprintf("%s = %d, want %d", name, g, w))
		}
	}
	flag := func(name string, g, w bool) {
		if g != w {
			d = append(d, fmt.Sprintf("%s = %v, want %v", name, g, w))
		}
	}
	if want.ID != "" {
		str("ID", got.ID, want.ID)
	}
	if want.DN != "" && !directory.EqualDN(got.DN, want.DN) {
		d = append(d, fmt.Sprintf("DN = %q, want %q", got.DN, want.DN))
	}
	str("Username", got.Username, want.Username)
	num("UIDNumber", got.UIDNumber, want.UIDNumber)
	num("GIDNumber", got.GIDNumber, want.GIDNumber)
	str("GivenName", got.GivenName, want.GivenName)
	str("Surname", got.Surname, want.Surname)
	str("DisplayName", got.DisplayName, want.DisplayName)
	str("Mail", got.Mail, want.Mail)
	str("Telephone", got.Telephone, want.Telephone)
	if !sameValues(got.Mobile, want.Mobile) {
		d = append(d, fmt.Sprintf("Mobile = %q, want %q", got.Mobile, want.Mobile))
	}
	str("Title", got.Title, want.Title)
	str("Description", got.Description, want.Description)
	str("UserPrincipalName", got.UserPrincipalName, want.UserPrincipalName)
	str("HomeDirectory", got.HomeDirectory, want.HomeDirectory)
	str("ExternalID", got.ExternalID, want.ExternalID)
	flag("Enabled", got.Enabled, want.Enabled)
	flag("Lock.Locked", got.Lock.Locked, want.Lock.Locked)
	flag("MustChangePassword", got.MustChangePassword, want.MustChangePassword)
	flag("InvitationPending", got.InvitationPending, want.InvitationPending)
	if got.InvitationExpiry.IsZero() != want.InvitationExpiry.IsZero() ||
		!sameTime(got.InvitationExpiry, want.InvitationExpiry) {
		d = append(d, fmt.Sprintf("InvitationExpiry = %v, want %v", got.InvitationExpiry, want.InvitationExpiry))
	}
	flag("System", got.System, want.System)
	d = append(d, diffAttributes(got.Attributes, want.Attributes)...)
	return d
}

// diffAttributes compares extra attributes, names case-insensitively (LDAP
// attribute names ignore case), values as sets.
func diffAttributes(got, want map[string][]string) []string {
	var d []string
	find := func(m map[string][]string, name string) []string {
		for k, v := range m {
			if strings.EqualFold(k, name) {
				return v
			}
		}
		return nil
	}
	for name, w := range want {
		if g := find(got, name); !sameValues(g, w) {
			d = append(d, fmt.Sprintf("Attributes[%s] = %q, want %q", name, g, w))
		}
	}
	for name, g := range got {
		if len(g) > 0 && find(want, name) == nil {
			d = append(d, fmt.Sprintf("Attributes[%s] = %q, want none", name, g))
		}
	}
	return d
}

// checkUser fails the test when got differs from want.
func checkUser(t *testing.T, what string, got, want *directory.User) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got no user", what)
		return
	}
	if d := diffUser(got, want); len(d) > 0 {
		t.Errorf("%s: user %q differs:\n  %s", what, want.Username, strings.Join(d, "\n  "))
	}
}

// expectedUser is the user CreateUser should make from nu.
func expectedUser(nu directory.NewUser) *directory.User {
	return &directory.User{
		Username: nu.Username, UIDNumber: nu.UIDNumber, GIDNumber: nu.GIDNumber,
		GivenName: nu.GivenName, Surname: nu.Surname, DisplayName: nu.DisplayName,
		Mail: nu.Mail, Telephone: nu.Telephone, Mobile: nu.Mobile, Title: nu.Title,
		Description: nu.Description, UserPrincipalName: nu.UserPrincipalName,
		HomeDirectory: nu.HomeDirectory, ExternalID: nu.ExternalID,
		Enabled: !nu.Disabled, MustChangePassword: nu.MustChangePassword,
		InvitationPending: nu.InvitationPending, InvitationExpiry: nu.InvitationExpiry,
		System: nu.System, Attributes: nu.Attributes,
	}
}

// diffGroup lists how got differs from want (ID and DN when want has them).
func diffGroup(got, want *directory.Group) []string {
	var d []string
	if want.ID != "" && got.ID != want.ID {
		d = append(d, fmt.Sprintf("ID = %q, want %q", got.ID, want.ID))
	}
	if want.DN != "" && !directory.EqualDN(got.DN, want.DN) {
		d = append(d, fmt.Sprintf("DN = %q, want %q", got.DN, want.DN))
	}
	if got.Name != want.Name {
		d = append(d, fmt.Sprintf("Name = %q, want %q", got.Name, want.Name))
	}
	if got.GIDNumber != want.GIDNumber {
		d = append(d, fmt.Sprintf("GIDNumber = %d, want %d", got.GIDNumber, want.GIDNumber))
	}
	if got.Description != want.Description {
		d = append(d, fmt.Sprintf("Description = %q, want %q", got.Description, want.Description))
	}
	if got.ExternalID != want.ExternalID {
		d = append(d, fmt.Sprintf("ExternalID = %q, want %q", got.ExternalID, want.ExternalID))
	}
	if got.System != want.System {
		d = append(d, fmt.Sprintf("System = %v, want %v", got.System, want.System))
	}
	return d
}

// checkGroup fails the test when got differs from want.
func checkGroup(t *testing.T, what string, got, want *directory.Group) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: got no group", what)
		return
	}
	if d := diffGroup(got, want); len(d) > 0 {
		t.Errorf("%s: group %q differs:\n  %s", what, want.Name, strings.Join(d, "\n  "))
	}
}

// otherSpelling writes a DN as a client might: upper case, with spaces
// after the separators. It names the same entry (RFC 4514).
func otherSpelling(dn string) string {
	parsed, err := directory.ParseDN(dn)
	if err != nil {
		return dn
	}
	return strings.ToUpper(strings.ReplaceAll(directory.FormatDN(parsed), ",", ", "))
}

// searchUsers runs a user search under Base (subtree) and fails the test on
// error.
func (e *env) searchUsers(t *testing.T, q directory.Query) directory.Page[directory.User] {
	t.Helper()
	if q.Base == "" {
		q.Base = e.base
	}
	p, err := e.dir.SearchUsers(t.Context(), q)
	if err != nil {
		t.Fatalf("SearchUsers(%s): %v", describe(q), err)
	}
	return p
}

// searchGroups runs a group search under Base and fails the test on error.
func (e *env) searchGroups(t *testing.T, q directory.Query) directory.Page[directory.Group] {
	t.Helper()
	if q.Base == "" {
		q.Base = e.base
	}
	p, err := e.dir.SearchGroups(t.Context(), q)
	if err != nil {
		t.Fatalf("SearchGroups(%s): %v", describe(q), err)
	}
	return p
}

// describe renders a query for failure messages.
func describe(q directory.Query) string {
	return fmt.Sprintf("base %q scope %d filter %s sort %v offset %d limit %d",
		q.Base, q.Scope, describeFilter(q.Filter), q.Sort, q.Offset, q.Limit)
}

func describeFilter(f directory.Filter) string {
	switch n := f.(type) {
	case nil:
		return "<none>"
	case directory.Cond:
		return fmt.Sprintf("(%s %s %q)", n.Field, n.Op, n.Values)
	case directory.And:
		return "and" + describeFilters(n)
	case directory.Or:
		return "or" + describeFilters(n)
	case directory.Not:
		return "not(" + describeFilter(n.Filter) + ")"
	default:
		return fmt.Sprintf("%T", f)
	}
}

func describeFilters(fs []directory.Filter) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = describeFilter(f)
	}
	return "(" + strings.Join(parts, " ") + ")"
}

// memberKey renders a member for set comparisons: type, name and whether
// it is direct.
func memberKey(m directory.Member) string {
	how := "indirect"
	if m.Direct {
		how = "direct"
	}
	return fmt.Sprintf("%s:%s:%s", m.Type, m.Name, how)
}

// membershipKey renders a membership for set comparisons.
func membershipKey(m directory.Membership) string {
	how := "indirect"
	if m.Direct {
		how = "direct"
	}
	return m.Group.Name + ":" + how
}

// members lists a group's members as memberKeys.
func (e *env) members(t *testing.T, g directory.Ref, indirect bool) []string {
	t.Helper()
	ms, err := e.dir.Members(t.Context(), g, indirect)
	if err != nil {
		t.Fatalf("Members(%s, indirect=%v): %v", g, indirect, err)
	}
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = memberKey(m)
	}
	return out
}

// memberOf lists a principal's groups under Base as membershipKeys.
// Groups elsewhere are left out: a directory may put every user in a
// built-in group (AD's Domain Users) that this test did not make.
func (e *env) memberOf(t *testing.T, p directory.PrincipalRef, indirect bool) []string {
	t.Helper()
	ms, err := e.dir.MemberOf(t.Context(), p, indirect)
	if err != nil {
		t.Fatalf("MemberOf(%s %s, indirect=%v): %v", p.Type, p.Ref, indirect, err)
	}
	var out []string
	for _, m := range ms {
		if directory.IsUnder(m.Group.DN, e.base) {
			out = append(out, membershipKey(m))
		}
	}
	return out
}

// directUser, indirectUser, directGroup and indirectGroup build expected
// memberKeys.
func directUser(name string) string    { return "user:" + name + ":direct" }
func indirectUser(name string) string  { return "user:" + name + ":indirect" }
func directGroup(name string) string   { return "group:" + name + ":direct" }
func indirectGroup(name string) string { return "group:" + name + ":indirect" }

// inGroup and viaGroup build expected membershipKeys.
func inGroup(group string) string  { return group + ":direct" }
func viaGroup(group string) string { return group + ":indirect" }
