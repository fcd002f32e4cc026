package kanboard

import (
	"context"
	"errors"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// ensureGroup returns the group of that name, creating it in the groups
// container the first time it is needed. Another replica creating it at
// the same moment is not an error: its group is used.
func (t *userTable) ensureGroup(ctx context.Context, c identity.Caller, name string) (*directory.Group, error) {
	g, err := t.dom.GetGroup(ctx, c, directory.ByName(name))
	if !errors.Is(err, directory.ErrNotFound) {
		return g, err
	}
	g, err = t.dom.CreateGroup(ctx, c, directory.NewGroup{
		ParentDN:    t.layout.groupsDN,
		Name:        name,
		Description: "Kanboard (dirgate)",
	})
	if errors.Is(err, directory.ErrAlreadyExists) {
		return t.dom.GetGroup(ctx, c, directory.ByName(name))
	}
	return g, err
}

// join makes the user a member of the group, creating the group if needed.
func (t *userTable) join(ctx context.Context, c identity.Caller, group string, u *directory.User) error {
	g, err := t.ensureGroup(ctx, c, group)
	if err != nil {
		return err
	}
	return t.dom.AddMember(ctx, c, directory.ByID(g.ID), directory.UserRef(directory.ByID(u.ID)))
}

// leave removes the user's direct membership of the group.
func (t *userTable) leave(ctx context.Context, c identity.Caller, group string, u *directory.User) error {
	return t.dom.RemoveMember(ctx, c, directory.ByName(group), directory.UserRef(directory.ByID(u.ID)))
}

// setRole makes the user a direct member of the role's group and of no
// other role group, changing only what differs. On failure the
// memberships already changed are put back. A role held through a nested
// group stays: only direct memberships change.
func (t *userTable) setRole(ctx context.Context, c identity.Caller, a *account, role string) error {
	u, want := a.user, t.layout.groupOf(role)
	var undo []func(context.Context) error
	fail := func(err error) error {
		t.rollback(ctx, c, u, undo)
		return err
	}
	if want != "" && !isDirectMember(a.groups, want) {
		if err := t.join(ctx, c, want, u); err != nil {
			return fail(err)
		}
		undo = append(undo, func(ctx context.Context) error { return t.leave(ctx, c, want, u) })
	}
	for _, g := range []string{t.layout.admins, t.layout.managers} {
		if strings.EqualFold(g, want) || !isDirectMember(a.groups, g) {
			continue
		}
		if err := t.leave(ctx, c, g, u); err != nil {
			return fail(err)
		}
		undo = append(undo, func(ctx context.Context) error { return t.join(ctx, c, g, u) })
	}
	return nil
}

// rollback undoes steps in reverse on a context the client's going away
// does not cancel: a half-done change must not stay half done.
func (t *userTable) rollback(ctx context.Context, c identity.Caller, u *directory.User, undo []func(context.Context) error) {
	ctx = context.WithoutCancel(ctx)
	var errs []error
	for i := len(undo) - 1; i >= 0; i-- {
		errs = append(errs, undo[i](ctx))
	}
	if err := errors.Join(errs...); err != nil {
		t.log.ErrorContext(ctx, "kanboard: undoing a partly applied change failed; the user needs attention",
			"user", u.DN, "request_id", c.RequestID, "error", err)
	}
}
