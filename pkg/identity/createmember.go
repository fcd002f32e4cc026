package identity

import (
	"context"
	"errors"

	"github.com/dirgate/dirgate/pkg/directory"
)

// CreateMember creates a user and makes it a direct member of group (an
// Artica member and its group link): both or, seen from a retry, neither.
// The steps are two directory writes, so a failure of the second undoes
// the first; and when the process dies between them (SIGKILL, a crash)
// the user stays without its link, which the same create, retried,
// completes instead of answering "already exists". A retry completes only
// what it started: the user must be where the create puts it, with the
// same primary group, not yet in the group, and the password of the
// request must be its password; anything else is ErrAlreadyExists as
// before. A group given by DN costs no lookup to authorize.
func (d *Domain) CreateMember(ctx context.Context, c Caller, in directory.NewUser, group directory.Ref) (*directory.User, error) {
	if in.ParentDN == "" {
		in.ParentDN = d.cfg.UsersDN
	}
	group, target, err := d.groupTarget(ctx, c, OpGroupMemberAdd, group)
	if err != nil {
		return nil, d.finish(c, OpGroupMemberAdd, target, err)
	}
	u, err := d.CreateUser(ctx, c, in)
	if errors.Is(err, directory.ErrAlreadyExists) {
		left, ok := d.halfCreated(ctx, c, in, group)
		if !ok {
			return nil, err
		}
		d.log.Info("completing a create that stopped before the group link", "user", left.DN,
			"dialect", c.Dialect, "request_id", c.RequestID)
		u = left
	} else if err != nil {
		return nil, err
	}
	reached(pointMemberUserCreated)
	// By DN: the user was read a moment ago, and a DN needs no lookup
	// to authorize (a scoped caller's id would be searched for twice).
	if err := d.AddMember(ctx, c, group, directory.UserRef(directory.ByDN(u.DN))); err != nil {
		d.undoCreate(ctx, c, u, "a retry of the create completes it")
		return nil, err
	}
	// The user as created: the group link is no part of a User, so
	// reading it again would cost a round trip for the same answer (but
	// for the modification time, which the directory's memberof may move).
	return u, nil
}

// CreateUserInGroups creates a user and makes it a direct member of each
// group (a Kanboard user and the group of its role): all, or no user.
// Unlike CreateMember it completes no earlier attempt: a user of that
// name is ErrAlreadyExists. Each write is audited as its own operation,
// the deletion that undoes the create too.
func (d *Domain) CreateUserInGroups(ctx context.Context, c Caller, in directory.NewUser, groups ...directory.Ref) (*directory.User, error) {
	u, err := d.CreateUser(ctx, c, in)
	if err != nil || len(groups) == 0 {
		return u, err
	}
	joined, err := d.ModifyUser(ctx, c, directory.ByID(u.ID), UserChange{Join: groups})
	if err != nil {
		d.undoCreate(ctx, c, u, "the user needs attention")
		return nil, err
	}
	return joined, nil
}

// undoCreate deletes a user whose create could not be completed, on a
// context the client cannot cancel: a user without its group links must
// not stay behind. then says what follows should that fail too.
func (d *Domain) undoCreate(ctx context.Context, c Caller, u *directory.User, then string) {
	if err := d.DeleteUser(context.WithoutCancel(ctx), c, directory.ByID(u.ID)); err != nil {
		d.log.Error("undoing a half-created user failed; "+then, "user", u.DN, "request_id", c.RequestID, "error", err)
	}
}

// halfCreated reports whether the existing user named in.Username is what
// an interrupted CreateMember with the same request left: in the same
// container, with the same primary group, outside the group, and with the
// request's password (so a create cannot take over an account whose
// password it does not know).
func (d *Domain) halfCreated(ctx context.Context, c Caller, in directory.NewUser, group directory.Ref) (*directory.User, bool) {
	if in.Password == "" {
		return nil, false
	}
	u, err := d.dir.GetUser(ctx, directory.ByName(in.Username))
	if err != nil {
		return nil, false
	}
	parent, err := directory.ParentDN(u.DN)
	if err != nil || !directory.EqualDN(parent, in.ParentDN) || c.Scope.allows(OpUserCreate, u.DN) != nil {
		return nil, false
	}
	if in.GIDNumber != 0 && u.GIDNumber != in.GIDNumber {
		return nil, false
	}
	groups, err := d.dir.MemberOf(ctx, directory.UserRef(directory.ByID(u.ID)), false)
	if err != nil {
		return nil, false
	}
	g, err := d.dir.GetGroup(ctx, group)
	if err != nil {
		return nil, false
	}
	for _, m := range groups {
		if m.Group.ID == g.ID {
			return nil, false // the create completed: a duplicate
		}
	}
	if _, err := d.dir.VerifyPassword(ctx, directory.ByID(u.ID), in.Password); err != nil {
		return nil, false
	}
	return u, true
}
