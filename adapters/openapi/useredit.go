package openapi

import (
	"context"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// applyUserEdit applies an edit all or nothing: the members and the rename
// go through the core's ModifyUser (validated whole, undone on failure),
// then the account state; if that fails, undo puts the members back.
func (d *Dialect) applyUserEdit(ctx context.Context, caller identity.Caller, u *directory.User, e userEdit, undo identity.UserChange) (*directory.User, error) {
	ref := directory.ByID(u.ID)
	modified := false
	if !e.change.Patch.IsEmpty() || e.change.Rename != nil || e.change.Password != nil {
		var err error
		before := u
		if u, err = d.domain.ModifyUser(ctx, caller, ref, e.change); err != nil {
			return nil, err
		}
		modified = true
		// A caller limited to the user's own entry follows it to its new
		// DN when the change renamed it.
		if caller.Scope.Self != "" && directory.EqualDN(caller.Scope.Self, before.DN) {
			caller.Scope.Self = u.DN
		}
	}
	if e.active == nil {
		return u, nil
	}
	if err := d.setActive(ctx, caller, u, *e.active); err != nil {
		if modified {
			d.undoUserEdit(ctx, caller, ref, undo)
		}
		return nil, err
	}
	return d.domain.GetUser(ctx, caller, ref)
}

// undoUserEdit reverts the members of a failed edit, on a context the
// client's going away cannot cancel.
func (d *Dialect) undoUserEdit(ctx context.Context, caller identity.Caller, ref directory.Ref, undo identity.UserChange) {
	ctx = context.WithoutCancel(ctx)
	if _, err := d.domain.ModifyUser(ctx, caller, ref, undo); err != nil {
		d.log.Error("undoing a partly applied user change failed; the entry needs attention",
			"user", ref.String(), "request_id", caller.RequestID, "error", err)
	}
}

// setActive makes the account able to log on (enabled, any lock lifted)
// or not (disabled).
func (d *Dialect) setActive(ctx context.Context, caller identity.Caller, u *directory.User, active bool) error {
	ref := directory.ByID(u.ID)
	if !active {
		return d.domain.SetEnabled(ctx, caller, ref, false)
	}
	// Unlock first: lifting a lock the client asked to lift is harmless
	// should enabling then fail.
	if u.Lock.Locked {
		if err := d.domain.Unlock(ctx, caller, ref); err != nil {
			return err
		}
	}
	if !u.Enabled {
		return d.domain.SetEnabled(ctx, caller, ref, true)
	}
	return nil
}
