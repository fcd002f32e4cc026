package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// UserChange is several changes to one user that must happen together (an
// AD-web updateuser: new attributes, a new name, a new OU, a new password).
type UserChange struct {
	Patch directory.UserPatch
	// Rename, when not nil, is the new username.
	Rename *string
	// MoveTo, when not empty, is the new parent DN.
	MoveTo string
	// Enabled, when not nil, enables or disables the account (a SCIM
	// "active"), after the other changes and before the password.
	Enabled *bool
	// Password, when not nil, is set last (it cannot be undone).
	Password   *string
	MustChange bool
}

// ModifyUser applies every part of a UserChange or none: everything is
// validated and authorized first, and when a step fails the steps already
// done are undone in reverse order.
func (d *Domain) ModifyUser(ctx context.Context, c Caller, ref directory.Ref, ch UserChange) (*directory.User, error) {
	if !ref.Valid() {
		return nil, invalid("user", "is required")
	}
	orig, err := d.GetUser(ctx, c, ref)
	if err != nil {
		return nil, err
	}
	ref = directory.ByID(orig.ID)
	if err := d.checkChange(ctx, c, orig, ch); err != nil {
		return nil, d.finish(c, OpUserUpdate, orig.DN, err)
	}
	if err := d.homeFollowsInvitee(ctx, orig, &ch); err != nil {
		return nil, d.finish(c, OpUserUpdate, orig.DN, err)
	}

	var undo []func(context.Context) error
	fail := func(op Operation, err error) (*directory.User, error) {
		d.rollback(c, orig.DN, undo)
		return nil, d.finish(c, op, orig.DN, err)
	}
	if !ch.Patch.IsEmpty() {
		if _, err := d.dir.UpdateUser(ctx, ref, ch.Patch); err != nil {
			return fail(OpUserUpdate, err)
		}
		back := revertPatch(orig, ch.Patch)
		undo = append(undo, func(ctx context.Context) error { _, err := d.dir.UpdateUser(ctx, ref, back); return err })
		d.finish(c, OpUserUpdate, orig.DN, nil)
	}
	if ch.Rename != nil && *ch.Rename != orig.Username {
		if _, err := d.dir.RenameUser(ctx, ref, *ch.Rename); err != nil {
			return fail(OpUserRename, err)
		}
		undo = append(undo, func(ctx context.Context) error { _, err := d.dir.RenameUser(ctx, ref, orig.Username); return err })
		d.finish(c, OpUserRename, orig.DN, nil)
	}
	if ch.MoveTo != "" {
		origParent, _ := directory.ParentDN(orig.DN)
		if !directory.EqualDN(origParent, ch.MoveTo) {
			if _, err := d.dir.MoveUser(ctx, ref, ch.MoveTo); err != nil {
				return fail(OpUserMove, err)
			}
			undo = append(undo, func(ctx context.Context) error { _, err := d.dir.MoveUser(ctx, ref, origParent); return err })
			d.finish(c, OpUserMove, orig.DN, nil)
		}
	}
	if ch.Enabled != nil && *ch.Enabled != orig.Enabled {
		op := enableOp(*ch.Enabled)
		if err := d.dir.SetEnabled(ctx, ref, *ch.Enabled); err != nil {
			return fail(op, err)
		}
		undo = append(undo, func(ctx context.Context) error { return d.dir.SetEnabled(ctx, ref, orig.Enabled) })
		d.finish(c, op, orig.DN, nil)
	}
	if ch.Password != nil {
		if err := d.hashing(ctx, func() error { return d.dir.SetPassword(ctx, ref, *ch.Password, ch.MustChange) }); err != nil {
			return fail(OpPasswordSet, err)
		}
		d.finish(c, OpPasswordSet, orig.DN, nil)
	}
	return d.dir.GetUser(ctx, ref)
}

// enableOp is the operation that sets the account state to enabled.
func enableOp(enabled bool) Operation {
	if enabled {
		return OpUserEnable
	}
	return OpUserDisable
}

// checkChange validates and authorizes every part before anything is
// written.
func (d *Domain) checkChange(ctx context.Context, c Caller, orig *directory.User, ch UserChange) error {
	type step struct {
		needed bool
		op     Operation
	}
	for _, s := range []step{
		{!ch.Patch.IsEmpty(), OpUserUpdate}, {ch.Rename != nil, OpUserRename},
		{ch.MoveTo != "", OpUserMove}, {ch.Password != nil, OpPasswordSet},
		{ch.Enabled != nil && *ch.Enabled != orig.Enabled, enableOp(ch.Enabled != nil && *ch.Enabled)},
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
			other, err := d.dir.GetUser(ctx, directory.ByName(*ch.Rename))
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

// rollback runs the undo steps in reverse, on a context that outlives the
// request's cancellation: a half-done change must not stay half done
// because the client went away.
func (d *Domain) rollback(c Caller, target string, undo []func(context.Context) error) {
	ctx := context.WithoutCancel(context.Background())
	var errs []error
	for i := len(undo) - 1; i >= 0; i-- {
		if err := undo[i](ctx); err != nil {
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
