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

// setRole adds to ch what makes the user a direct member of the role's
// group (created if it does not exist yet) and of no other role group,
// changing only what differs. A role held through a nested group stays:
// only direct memberships change.
func (t *userTable) setRole(ctx context.Context, c identity.Caller, a *account, role string, ch *identity.UserChange) error {
	want := t.layout.groupOf(role)
	if want != "" && !isDirectMember(a.groups, want) {
		g, err := t.ensureGroup(ctx, c, want)
		if err != nil {
			return err
		}
		ch.Join = append(ch.Join, directory.ByID(g.ID))
	}
	for _, g := range []string{t.layout.admins, t.layout.managers} {
		if strings.EqualFold(g, want) || !isDirectMember(a.groups, g) {
			continue
		}
		ch.Leave = append(ch.Leave, directory.ByName(g))
	}
	return nil
}
