package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// UserChange is several changes to one user that must happen together:
// an AD-web updateuser (new attributes, a new name, a new OU, a new
// password), an OpenAPI PUT (attributes, a new name, the account state), a
// Kanboard updateUser (attributes, a new name, the groups of a new role).
// The steps are written in the order of the fields.
type UserChange struct {
	Patch directory.UserPatch
	// Rename, when not nil, is the new username.
	Rename *string
	// MoveTo, when not empty, is the new parent DN.
	MoveTo string
	// Join and Leave are groups the user becomes, or stops being, a direct
	// member of. A group it already is (or is not) a direct member of is
	// left as it is.
	Join, Leave []directory.Ref
	// Password, when not nil, is set after the entry's own changes and
	// before the account state: it cannot be undone, and an account
	// enabled by the change has its new password by then.
	Password   *string
	MustChange bool
	// Unlock lifts the account's lock, when it has one. A lock cannot be
	// put back: lifting one the client asked to lift is harmless should a
	// later step fail.
	Unlock bool
	// Enabled, when not nil and not the account's state, is the new state.
	Enabled *bool
}

// IsEmpty reports whether the change changes nothing.
func (ch UserChange) IsEmpty() bool {
	return ch.Patch.IsEmpty() && ch.Rename == nil && ch.MoveTo == "" && len(ch.Join) == 0 && len(ch.Leave) == 0 &&
		ch.Password == nil && !ch.Unlock && ch.Enabled == nil
}

// step is one directory write of a change: what the audit log calls it,
// the write, and how to take it back (nil: it cannot be).
type step struct {
	op     Operation
	target func() string
	do     func(context.Context) error
	undo   func(context.Context) error
}

// ModifyUser applies every part of a UserChange or none: everything is
// validated and authorized first, then the steps are written one by one,
// each audited as its own operation; when a step fails, the steps already
// done are undone in reverse order.
func (d *Domain) ModifyUser(ctx context.Context, c Caller, ref directory.Ref, ch UserChange) (*directory.User, error) {
	if !ref.Valid() {
		return nil, invalid("user", "is required")
	}
	orig, err := d.GetUser(ctx, c, ref)
	if err != nil {
		return nil, err
	}
	if err := d.checkChange(ctx, c, orig, ch); err != nil {
		return nil, d.finish(c, OpUserUpdate, orig.DN, err)
	}
	if err := d.homeFollowsInvitee(ctx, orig, &ch); err != nil {
		return nil, d.finish(c, OpUserUpdate, orig.DN, err)
	}
	steps, err := d.planChange(ctx, c, orig, ch)
	if err != nil {
		return nil, err
	}
	var done []step
	for _, s := range steps {
		if err := s.do(ctx); err != nil {
			d.rollback(c, orig.DN, done)
			return nil, d.finish(c, s.op, s.target(), err)
		}
		done = append(done, s)
		d.finish(c, s.op, s.target(), nil)
	}
	return d.dir.GetUser(ctx, directory.ByID(orig.ID))
}

// planChange turns a checked change into its steps. It reads what the
// steps need (the groups, the user's memberships) and authorizes the
// membership and account-state steps, so that a refusal comes before
// anything is written; a refusal is audited here, as the operation
// refused.
func (d *Domain) planChange(ctx context.Context, c Caller, orig *directory.User, ch UserChange) ([]step, error) {
	ref := directory.ByID(orig.ID)
	always := func(t string) func() string { return func() string { return t } }
	var steps []step
	if !ch.Patch.IsEmpty() {
		back := revertPatch(orig, ch.Patch)
		steps = append(steps, step{op: OpUserUpdate, target: always(orig.DN),
			do:   func(ctx context.Context) error { _, err := d.dir.UpdateUser(ctx, ref, ch.Patch); return err },
			undo: func(ctx context.Context) error { _, err := d.dir.UpdateUser(ctx, ref, back); return err },
		})
	}
	// dn follows the entry through a rename and a move: the account-state
	// steps name the entry as it is by then.
	dn := orig.DN
	if ch.Rename != nil && *ch.Rename != orig.Username {
		steps = append(steps, step{op: OpUserRename, target: always(orig.DN),
			do: func(ctx context.Context) error {
				u, err := d.dir.RenameUser(ctx, ref, *ch.Rename)
				if err == nil {
					dn = u.DN
				}
				return err
			},
			undo: func(ctx context.Context) error { _, err := d.dir.RenameUser(ctx, ref, orig.Username); return err },
		})
	}
	if ch.MoveTo != "" {
		origParent, _ := directory.ParentDN(orig.DN)
		if !directory.EqualDN(origParent, ch.MoveTo) {
			steps = append(steps, step{op: OpUserMove, target: always(orig.DN),
				do: func(ctx context.Context) error {
					u, err := d.dir.MoveUser(ctx, ref, ch.MoveTo)
					if err == nil {
						dn = u.DN
					}
					return err
				},
				undo: func(ctx context.Context) error { _, err := d.dir.MoveUser(ctx, ref, origParent); return err },
			})
		}
	}
	members, err := d.membershipSteps(ctx, c, orig, ch)
	if err != nil {
		return nil, err
	}
	steps = append(steps, members...)
	if ch.Password != nil {
		steps = append(steps, step{op: OpPasswordSet, target: always(orig.DN),
			do: func(ctx context.Context) error {
				return d.hashing(ctx, func() error { return d.dir.SetPassword(ctx, ref, *ch.Password, ch.MustChange) })
			},
		})
	}
	// The account state is audited as SetEnabled and Unlock audit it: by
	// the id, or by the DN for a caller whose scope depends on where the
	// entry lies.
	stateTarget := func() string {
		if c.Scope.restricted() {
			return dn
		}
		return ref.String()
	}
	if ch.Unlock && orig.Lock.Locked {
		if err := c.Scope.allows(OpUserUnlock, orig.DN); err != nil {
			return nil, d.finish(c, OpUserUnlock, stateTarget(), err)
		}
		steps = append(steps, step{op: OpUserUnlock, target: stateTarget,
			do: func(ctx context.Context) error { return d.dir.Unlock(ctx, ref) },
		})
	}
	if ch.Enabled != nil && *ch.Enabled != orig.Enabled {
		enabled, op := *ch.Enabled, OpUserDisable
		if enabled {
			op = OpUserEnable
		}
		if err := c.Scope.allows(op, orig.DN); err != nil {
			return nil, d.finish(c, op, stateTarget(), err)
		}
		steps = append(steps, step{op: op, target: stateTarget,
			do:   func(ctx context.Context) error { return d.dir.SetEnabled(ctx, ref, enabled) },
			undo: func(ctx context.Context) error { return d.dir.SetEnabled(ctx, ref, !enabled) },
		})
	}
	return steps, nil
}

// membershipSteps authorizes the change's joins and leaves as AddMember
// and RemoveMember do, and makes a step of each that changes something.
func (d *Domain) membershipSteps(ctx context.Context, c Caller, orig *directory.User, ch UserChange) ([]step, error) {
	if len(ch.Join) == 0 && len(ch.Leave) == 0 {
		return nil, nil
	}
	member := directory.UserRef(directory.ByID(orig.ID))
	groups, err := d.dir.MemberOf(ctx, member, false)
	if err != nil {
		return nil, d.finish(c, OpUserUpdate, orig.DN, err)
	}
	isMember := func(id string) bool {
		for _, m := range groups {
			if m.Group.ID == id {
				return true
			}
		}
		return false
	}
	var steps []step
	plan := func(op Operation, group directory.Ref, join bool) error {
		group, target, err := d.groupTarget(ctx, c, op, group)
		if err == nil {
			err = c.Scope.allows(op, orig.DN)
		}
		if err != nil {
			return d.finish(c, op, target, err)
		}
		target += " member " + member.Ref.String()
		g, err := d.dir.GetGroup(ctx, group)
		if err != nil {
			return d.finish(c, op, target, err)
		}
		if isMember(g.ID) == join {
			return nil
		}
		add := func(ctx context.Context) error { return d.dir.AddMember(ctx, group, member) }
		remove := func(ctx context.Context) error { return d.dir.RemoveMember(ctx, group, member) }
		s := step{op: op, target: func() string { return target }, do: add, undo: remove}
		if !join {
			s.do, s.undo = remove, add
		}
		steps = append(steps, s)
		return nil
	}
	for _, g := range ch.Join {
		if err := plan(OpGroupMemberAdd, g, true); err != nil {
			return nil, err
		}
	}
	for _, g := range ch.Leave {
		if err := plan(OpGroupMemberRemove, g, false); err != nil {
			return nil, err
		}
	}
	return steps, nil
}

// checkChange validates and authorizes the entry's own parts (fields,
// name, place, password) before anything is written; planChange then does
// the groups and the account state.
func (d *Domain) checkChange(ctx context.Context, c Caller, orig *directory.User, ch UserChange) error {
	type step struct {
		needed bool
		op     Operation
	}
	for _, s := range []step{
		{!ch.Patch.IsEmpty(), OpUserUpdate}, {ch.Rename != nil, OpUserRename},
		{ch.MoveTo != "", OpUserMove}, {ch.Password != nil, OpPasswordSet},
	} {
		if s.needed {
			if err := c.Scope.allows(s.op, orig.DN); err != nil {
				return err
			}
		}
	}
	if err := d.validatePatch(ch.Patch); err != nil {
		return err
	}
	if ch.Patch.UIDNumber != nil && *ch.Patch.UIDNumber > 0 {
		if err := d.numberFreeFor(ctx, directory.ByID(orig.ID), *ch.Patch.UIDNumber); err != nil {
			return err
		}
	}
	if ch.Rename != nil {
		if err := checkName("username", *ch.Rename, d.usernameMax()); err != nil {
			return err
		}
		if *ch.Rename != orig.Username {
			other, err := d.dir.GetUser(directory.Authoritative(ctx), directory.ByName(*ch.Rename))
			switch {
			case err == nil && other.ID != orig.ID:
				return fmt.Errorf("%w: username %q is taken", directory.ErrAlreadyExists, *ch.Rename)
			case err != nil && !isNotFound(err):
				return err
			}
		}
	}
	if ch.MoveTo != "" {
		if err := d.checkInDomain("ouDN", ch.MoveTo); err != nil {
			return err
		}
		if err := c.Scope.allows(OpUserMove, ch.MoveTo); err != nil {
			return err
		}
	}
	if ch.Password != nil {
		return d.cfg.PasswordPolicy.Check(*ch.Password, personalInfo(orig)...)
	}
	return nil
}

// rollback takes back the steps done, in reverse, on a context that
// outlives the request's cancellation: a half-done change must not stay
// half done because the client went away. A step that cannot be taken
// back (a password set, a lock lifted) stays.
func (d *Domain) rollback(c Caller, target string, done []step) {
	ctx := context.WithoutCancel(context.Background())
	var errs []error
	for i := len(done) - 1; i >= 0; i-- {
		if done[i].undo == nil {
			continue
		}
		if err := done[i].undo(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		d.log.Error("rollback of a partly applied change failed; the entry needs attention",
			"target", target, "dialect", c.Dialect, "request_id", c.RequestID, "error", err)
	}
}

// revertPatch builds the patch that restores orig's values of every field p
// touches.
func revertPatch(orig *directory.User, p directory.UserPatch) directory.UserPatch {
	var back directory.UserPatch
	str := func(set *string, v string) *string {
		if set == nil {
			return nil
		}
		return &v
	}
	back.GivenName = str(p.GivenName, orig.GivenName)
	back.Surname = str(p.Surname, orig.Surname)
	back.DisplayName = str(p.DisplayName, orig.DisplayName)
	back.Mail = str(p.Mail, orig.Mail)
	back.Telephone = str(p.Telephone, orig.Telephone)
	back.Title = str(p.Title, orig.Title)
	back.Description = str(p.Description, orig.Description)
	back.UserPrincipalName = str(p.UserPrincipalName, orig.UserPrincipalName)
	back.HomeDirectory = str(p.HomeDirectory, orig.HomeDirectory)
	back.ExternalID = str(p.ExternalID, orig.ExternalID)
	if p.Mobile != nil {
		back.Mobile = directory.Ptr(append([]string(nil), orig.Mobile...))
	}
	if p.UIDNumber != nil {
		back.UIDNumber = directory.Ptr(orig.UIDNumber)
	}
	if p.GIDNumber != nil {
		back.GIDNumber = directory.Ptr(orig.GIDNumber)
	}
	if p.InvitationPending != nil {
		back.InvitationPending = directory.Ptr(orig.InvitationPending)
	}
	if p.InvitationExpiry != nil {
		back.InvitationExpiry = directory.Ptr(orig.InvitationExpiry)
	}
	if p.System != nil {
		back.System = directory.Ptr(orig.System)
	}
	if len(p.Attributes) > 0 {
		back.Attributes = make(map[string][]string, len(p.Attributes))
		for name := range p.Attributes {
			back.Attributes[name] = append([]string{}, orig.Attributes[name]...)
		}
	}
	return back
}

// homeFollowsInvitee gives an invited user who picks its name the home
// derived from that name (never another user's): the one it was invited
// with was derived from a placeholder ("invited-…") nobody will log in
// as. A home given in the change, or one set by hand since, stays.
func (d *Domain) homeFollowsInvitee(ctx context.Context, orig *directory.User, ch *UserChange) error {
	if !orig.InvitationPending || ch.Patch.IsEmpty() || ch.Rename == nil || *ch.Rename == orig.Username ||
		ch.Patch.HomeDirectory != nil || !d.derivesHome() || orig.HomeDirectory != d.homeOf(orig.Username) {
		return nil
	}
	home, err := d.freeHome(ctx, *ch.Rename, orig.ID)
	if err != nil {
		return err
	}
	ch.Patch.HomeDirectory = &home
	return nil
}
