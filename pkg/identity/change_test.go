package identity_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// faulty is the real embedded store whose first call of one write fails:
// the fault a later step of a change meets after earlier steps were
// written. The undo that follows finds the store working again.
type faulty struct {
	directory.Directory
	fail string // the method that fails, once
}

func (f *faulty) injected(method string) error {
	if f.fail == method {
		f.fail = ""
		return fmt.Errorf("%w: injected fault in %s", directory.ErrUnavailable, method)
	}
	return nil
}

func (f *faulty) SetEnabled(ctx context.Context, ref directory.Ref, enabled bool) error {
	if err := f.injected("SetEnabled"); err != nil {
		return err
	}
	return f.Directory.SetEnabled(ctx, ref, enabled)
}

func (f *faulty) AddMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	if err := f.injected("AddMember"); err != nil {
		return err
	}
	return f.Directory.AddMember(ctx, group, member)
}

func (f *faulty) RemoveMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	if err := f.injected("RemoveMember"); err != nil {
		return err
	}
	return f.Directory.RemoveMember(ctx, group, member)
}

// changeFixture is a user with a display name, disabled, a direct member
// of "old" and not of "new", on a store that fails as told.
type changeFixture struct {
	dom   *identity.Domain
	dir   directory.Directory
	audit *bytes.Buffer
	user  *directory.User
}

func newChangeFixture(t *testing.T, fail string) *changeFixture {
	t.Helper()
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	ctx := t.Context()
	u, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "ana", DisplayName: "Ana", Disabled: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"old", "new"} {
		if _, err := env.Domain.CreateGroup(ctx, admin, directory.NewGroup{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	if err := env.Domain.AddMember(ctx, admin, directory.ByName("old"), directory.UserRef(directory.ByID(u.ID))); err != nil {
		t.Fatal(err)
	}
	f := &changeFixture{dir: env.Dir, audit: &bytes.Buffer{}, user: u}
	f.dom = identity.NewDomain(identity.DomainConfig{Name: "example.com"}, &faulty{Directory: env.Dir, fail: fail},
		identity.NewAuditLog(f.audit), env.Log)
	return f
}

// wholeChange is one change of every kind a dialect sends at once.
func wholeChange() identity.UserChange {
	return identity.UserChange{
		Patch:   directory.UserPatch{DisplayName: directory.Ptr("Ana Lima")},
		Rename:  directory.Ptr("alima"),
		Join:    []directory.Ref{directory.ByName("new")},
		Leave:   []directory.Ref{directory.ByName("old")},
		Enabled: directory.Ptr(true),
	}
}

// state is what a change can alter: the name, the display name, the
// account state and the direct groups.
func (f *changeFixture) state(t *testing.T) string {
	t.Helper()
	u, err := f.dir.GetUser(t.Context(), directory.ByID(f.user.ID))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := f.dir.MemberOf(t.Context(), directory.UserRef(directory.ByID(u.ID)), false)
	if err != nil {
		t.Fatal(err)
	}
	var groups []string
	for _, m := range ms {
		if m.Group.Name == "old" || m.Group.Name == "new" {
			groups = append(groups, m.Group.Name)
		}
	}
	slices.Sort(groups)
	return fmt.Sprintf("%s %q enabled=%t groups=%v", u.Username, u.DisplayName, u.Enabled, groups)
}

// auditLines returns the operation and outcome (and error) of each line.
func (f *changeFixture) auditLines(t *testing.T) []string {
	t.Helper()
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(f.audit.String()), "\n") {
		if line == "" {
			continue
		}
		var ev identity.AuditEvent
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("audit line %q: %v", line, err)
		}
		lines = append(lines, strings.TrimSpace(fmt.Sprintf("%s %s %s", ev.Operation, ev.Outcome, ev.Error)))
	}
	return lines
}

// TestModifyUserAppliesEveryPart: attributes, name, groups and account
// state in one call, each step audited as its own operation.
func TestModifyUserAppliesEveryPart(t *testing.T) {
	f := newChangeFixture(t, "")
	got, err := f.dom.ModifyUser(t.Context(), admin, directory.ByID(f.user.ID), wholeChange())
	if err != nil {
		t.Fatal(err)
	}
	if !got.Enabled || got.Username != "alima" || got.DisplayName != "Ana Lima" {
		t.Errorf("ModifyUser returned %+v", got)
	}
	if s, want := f.state(t), `alima "Ana Lima" enabled=true groups=[new]`; s != want {
		t.Errorf("after the change: %s, want %s", s, want)
	}
	want := []string{"user.update success", "user.rename success", "group.member.add success",
		"group.member.remove success", "user.enable success"}
	if lines := f.auditLines(t); !slices.Equal(lines, want) {
		t.Errorf("audit %q, want %q", lines, want)
	}
}

// TestModifyUserUndoesTheStepsDoneWhenALaterOneFails: a fault on the
// real store at the last step, then at a membership step, leaves the user
// as it was; the audit shows what was done and the step that failed.
func TestModifyUserUndoesTheStepsDoneWhenALaterOneFails(t *testing.T) {
	for _, tc := range []struct {
		fail  string
		audit []string
	}{
		{"SetEnabled", []string{"user.update success", "user.rename success", "group.member.add success",
			"group.member.remove success", "user.enable failure directory unavailable"}},
		{"RemoveMember", []string{"user.update success", "user.rename success", "group.member.add success",
			"group.member.remove failure directory unavailable"}},
	} {
		t.Run(tc.fail, func(t *testing.T) {
			f := newChangeFixture(t, tc.fail)
			before := f.state(t)
			_, err := f.dom.ModifyUser(t.Context(), admin, directory.ByID(f.user.ID), wholeChange())
			if identity.Kind(err) != identity.KindUnavailable {
				t.Fatalf("ModifyUser = %v, want the injected unavailable", err)
			}
			if after := f.state(t); after != before {
				t.Errorf("after the failed change: %s, want it undone to %s", after, before)
			}
			if lines := f.auditLines(t); !slices.Equal(lines, tc.audit) {
				t.Errorf("audit %q, want %q", lines, tc.audit)
			}
		})
	}
}

// TestModifyUserRefusesBeforeWriting: a part the caller may not do, or a
// group that does not exist, refuses the whole change before any write.
func TestModifyUserRefusesBeforeWriting(t *testing.T) {
	noJoin := identity.Caller{Name: "limited", Dialect: "test", Scope: identity.Scope{Operations: []identity.Operation{
		identity.OpUserRead, identity.OpUserUpdate, identity.OpUserRename, identity.OpGroupMemberRemove, identity.OpUserEnable,
	}}}
	noEnable := noJoin
	noEnable.Scope.Operations = []identity.Operation{identity.OpUserRead, identity.OpUserUpdate, identity.OpUserRename,
		identity.OpGroupMemberAdd, identity.OpGroupMemberRemove}
	missing := wholeChange()
	missing.Join = []directory.Ref{directory.ByName("nosuchgroup")}
	for _, tc := range []struct {
		name   string
		caller identity.Caller
		change identity.UserChange
		kind   identity.ErrorKind
		audit  string
	}{
		{"join refused", noJoin, wholeChange(), identity.KindForbidden, "group.member.add failure forbidden"},
		{"enable refused", noEnable, wholeChange(), identity.KindForbidden, "user.enable failure forbidden"},
		{"no such group", admin, missing, identity.KindNotFound, "group.member.add failure not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newChangeFixture(t, "")
			before := f.state(t)
			_, err := f.dom.ModifyUser(t.Context(), tc.caller, directory.ByID(f.user.ID), tc.change)
			if k := identity.Kind(err); k != tc.kind {
				t.Fatalf("ModifyUser = %v (%v), want %v", err, k, tc.kind)
			}
			if after := f.state(t); after != before {
				t.Errorf("after the refused change: %s, want %s", after, before)
			}
			if lines := f.auditLines(t); !slices.Equal(lines, []string{tc.audit}) {
				t.Errorf("audit %q, want only %q", lines, tc.audit)
			}
		})
	}
}

// TestModifyUserLeavesMembershipsThatNeedNoChange: joining a group the
// user is in and leaving one it is not in write nothing, so an undo never
// takes away a membership the change did not make.
func TestModifyUserLeavesMembershipsThatNeedNoChange(t *testing.T) {
	f := newChangeFixture(t, "SetEnabled")
	before := f.state(t)
	_, err := f.dom.ModifyUser(t.Context(), admin, directory.ByID(f.user.ID), identity.UserChange{
		Join:    []directory.Ref{directory.ByName("old")},
		Leave:   []directory.Ref{directory.ByName("new")},
		Enabled: directory.Ptr(true),
	})
	if !errors.Is(err, directory.ErrUnavailable) {
		t.Fatalf("ModifyUser = %v, want the injected fault", err)
	}
	if after := f.state(t); after != before {
		t.Errorf("after: %s, want %s", after, before)
	}
	if lines := f.auditLines(t); !slices.Equal(lines, []string{"user.enable failure directory unavailable"}) {
		t.Errorf("audit %q, want only the enable", lines)
	}
}

// TestCreateUserInGroupsLeavesNoUserWhenAJoinFails: the user and its
// memberships, or no user; each write is audited, the undoing delete too.
func TestCreateUserInGroupsLeavesNoUserWhenAJoinFails(t *testing.T) {
	f := newChangeFixture(t, "AddMember")
	_, err := f.dom.CreateUserInGroups(t.Context(), admin, directory.NewUser{Username: "bo"}, directory.ByName("new"))
	if identity.Kind(err) != identity.KindUnavailable {
		t.Fatalf("CreateUserInGroups = %v, want the injected unavailable", err)
	}
	if _, err := f.dir.GetUser(t.Context(), directory.ByName("bo")); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("the user whose join failed is still there: %v", err)
	}
	want := []string{"user.create success", "group.member.add failure directory unavailable", "user.delete success"}
	if lines := f.auditLines(t); !slices.Equal(lines, want) {
		t.Errorf("audit %q, want %q", lines, want)
	}

	u, err := f.dom.CreateUserInGroups(t.Context(), admin, directory.NewUser{Username: "bo"}, directory.ByName("new"))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := f.dir.MemberOf(t.Context(), directory.UserRef(directory.ByID(u.ID)), false)
	if err != nil || !slices.ContainsFunc(ms, func(m directory.Membership) bool { return m.Group.Name == "new" }) {
		t.Errorf("created without its group: %v, %v", ms, err)
	}
}

// TestModifyUserSetsAccountState: a UserChange's Enabled disables and
// enables the account together with the other changes, is authorized as
// user.disable / user.enable, and a refused part leaves the account state
// as it was.
func TestModifyUserSetsAccountState(t *testing.T) {
	const base = "dc=example,dc=com"
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, base)
	ctx := t.Context()
	u, err := env.Domain.CreateUser(ctx, inproc.System, directory.NewUser{Username: "state"})
	if err != nil {
		t.Fatal(err)
	}
	ref := directory.ByID(u.ID)

	got, err := env.Domain.ModifyUser(ctx, inproc.System, ref, identity.UserChange{
		Patch: directory.UserPatch{DisplayName: directory.Ptr("Off")}, Enabled: directory.Ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Enabled || got.DisplayName != "Off" {
		t.Fatalf("after disabling: enabled %v, displayName %q", got.Enabled, got.DisplayName)
	}

	onlyDisable := inproc.System
	onlyDisable.Scope.Operations = []identity.Operation{identity.OpUserUpdate, identity.OpUserDisable}
	_, err = env.Domain.ModifyUser(ctx, onlyDisable, ref, identity.UserChange{Enabled: directory.Ptr(true)})
	if !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("enabling without user.enable: %v, want ErrForbidden", err)
	}

	// A password the policy refuses fails the whole change before any write.
	_, err = env.Domain.ModifyUser(ctx, inproc.System, ref, identity.UserChange{
		Enabled: directory.Ptr(true), Password: directory.Ptr("x"),
	})
	if !errors.Is(err, directory.ErrPasswordPolicy) {
		t.Fatalf("short password: %v, want ErrPasswordPolicy", err)
	}
	if again, _ := env.Dir.GetUser(ctx, ref); again.Enabled {
		t.Fatal("a refused change enabled the account")
	}

	got, err = env.Domain.ModifyUser(ctx, inproc.System, ref, identity.UserChange{Enabled: directory.Ptr(true)})
	if err != nil || !got.Enabled {
		t.Fatalf("enabling: %v, enabled %v", err, got != nil && got.Enabled)
	}
}
