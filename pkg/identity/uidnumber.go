package identity

import (
	"context"

	"github.com/dirgate/dirgate/pkg/directory"
)

// AssignUIDNumber gives a user without a uidNumber the next number of the
// domain's uid range and returns the user; a user that has one keeps it.
// Dialects that name users by number (Kanboard's user_id) need it for
// accounts the directory created without one, such as Active Directory
// users without RFC 2307 attributes. It is a user update for scopes and
// the audit log.
func (d *Domain) AssignUIDNumber(ctx context.Context, c Caller, ref directory.Ref) (*directory.User, error) {
	ref, target, err := d.userTarget(ctx, c, OpUserUpdate, ref)
	if err != nil {
		return nil, d.finish(c, OpUserUpdate, target, err)
	}
	u, err := d.dir.GetUser(ctx, ref)
	if err != nil {
		return nil, d.finish(c, OpUserUpdate, target, err)
	}
	if u.UIDNumber > 0 {
		return u, nil
	}
	n, err := d.dir.AllocateID(ctx, directory.UIDSequence, d.cfg.UIDRange)
	if err != nil {
		return nil, d.finish(c, OpUserUpdate, u.DN, err)
	}
	u, err = d.dir.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{UIDNumber: &n})
	return u, d.finish(c, OpUserUpdate, target, err)
}
