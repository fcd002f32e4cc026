package kanboard

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Kanboard's UserValidator limits, checked before the core's own rules.
const (
	maxUsernameLength = 191
	minPasswordLength = 6
)

// newUser is createUser's arguments.
type newUser struct {
	username, password, name, email, role string
}

// userUpdate is updateUser's arguments; nil leaves a field as it is.
type userUpdate struct {
	username, name, email, role *string
}

// validUsername applies Kanboard's rules to a username it would store
// trimmed: required, at most 191 characters.
func validUsername(s string) bool {
	return s != "" && utf8.RuneCountInString(s) <= maxUsernameLength
}

// create is createUser: the new user's id, or false.
func (t *userTable) create(ctx context.Context, c identity.Caller, in newUser) (any, error) {
	username := strings.TrimSpace(in.username)
	if !validUsername(username) || utf8.RuneCountInString(in.password) < minPasswordLength || !validRole(in.role) {
		return false, nil
	}
	var groups []directory.Ref
	if group := t.layout.groupOf(in.role); group != "" {
		g, err := t.ensureGroup(ctx, c, group)
		if err != nil {
			return failed(err, false)
		}
		groups = append(groups, directory.ByID(g.ID))
	}
	u, err := t.dom.CreateUserInGroups(ctx, c, directory.NewUser{
		ParentDN:    t.layout.usersDN,
		Username:    username,
		Password:    in.password,
		DisplayName: in.name,
		Mail:        in.email,
	}, groups...)
	if err != nil {
		return failed(err, false)
	}
	return u.UIDNumber, nil
}

// register is createLdapUser: an existing directory user under the wider
// base joins the registration group. Its id, or false when there is no
// such user or it is already a Kanboard user (Kanboard's unique username).
func (t *userTable) register(ctx context.Context, c identity.Caller, username string) (any, error) {
	u, err := t.dom.GetUser(ctx, c, directory.ByName(username))
	if err != nil {
		return failed(err, false)
	}
	if !directory.IsUnder(u.DN, t.layout.ldapBase) {
		return false, nil
	}
	groups, err := t.dom.MemberOf(ctx, c, directory.UserRef(directory.ByDN(u.DN)), false)
	if err != nil {
		return failed(err, false)
	}
	if t.layout.isKanboardUser(u, isDirectMember(groups, t.layout.ldapUsers)) {
		return false, nil
	}
	if u.UIDNumber <= 0 {
		// Kanboard names users by id: a directory account created without
		// a uidNumber gets one. It is kept even if the registration below
		// fails; a retry uses it.
		if u, err = t.dom.AssignUIDNumber(ctx, c, directory.ByID(u.ID)); err != nil {
			return failed(err, false)
		}
	}
	if err := t.join(ctx, c, t.layout.ldapUsers, u); err != nil {
		return failed(err, false)
	}
	return u.UIDNumber, nil
}

// update is updateUser: true, or false when the user is unknown or a value
// is refused. The attributes, the rename and the role's groups are one
// change of the core, all or nothing.
func (t *userTable) update(ctx context.Context, c identity.Caller, ref directory.Ref, in userUpdate) (any, error) {
	if in.username != nil {
		trimmed := strings.TrimSpace(*in.username)
		if !validUsername(trimmed) {
			return false, nil
		}
		in.username = &trimmed
	}
	if in.role != nil && !validRole(*in.role) {
		return false, nil
	}
	a, err := t.find(ctx, c, ref)
	if notKanboards(err) {
		return t.updateNobody(ctx, c, in)
	}
	if err != nil {
		return failed(err, false)
	}
	var change identity.UserChange
	change.Patch.DisplayName, change.Patch.Mail = in.name, in.email
	if in.username != nil && *in.username != a.user.Username {
		change.Rename = in.username
	}
	if in.role != nil && *in.role != a.role {
		if err := t.setRole(ctx, c, a, *in.role, &change); err != nil {
			return failed(err, false)
		}
	}
	if change.IsEmpty() {
		return true, nil
	}
	if _, err := t.dom.ModifyUser(ctx, c, directory.ByID(a.user.ID), change); err != nil {
		return failed(err, false)
	}
	return true, nil
}

// remove is removeUser. Kanboard deletes its own row: a user of
// Kanboard's container is deleted from the directory; a registered
// directory user is only unregistered, as Kanboard never deletes an LDAP
// account.
func (t *userTable) remove(ctx context.Context, c identity.Caller, ref directory.Ref) (any, error) {
	a, err := t.find(ctx, c, ref)
	if err != nil {
		return failed(err, false)
	}
	if directory.IsUnder(a.user.DN, t.layout.usersDN) {
		err = t.dom.DeleteUser(ctx, c, directory.ByID(a.user.ID))
	} else {
		err = t.leave(ctx, c, t.layout.ldapUsers, a.user)
	}
	if err != nil {
		return failed(err, false)
	}
	return true, nil
}

// notKanboards: the id names no user of Kanboard's table, because no
// entry has it or the entry is outside the subtrees this dialect manages.
func notKanboards(err error) bool {
	return errors.Is(err, directory.ErrNotFound) || errors.Is(err, identity.ErrForbidden)
}

// updateNobody answers updateUser for an id that names no user as
// Kanboard does: its validator passes or fails on the values alone (an
// email's syntax, a username nobody has), and the UPDATE that follows
// matches no row yet succeeds: true.
func (t *userTable) updateNobody(ctx context.Context, c identity.Caller, in userUpdate) (any, error) {
	if in.email != nil && *in.email != "" {
		if addr, err := mail.ParseAddress(*in.email); err != nil || addr.Address != *in.email || addr.Name != "" {
			return false, nil
		}
	}
	if in.username != nil {
		_, err := t.dom.GetUser(ctx, c, directory.ByName(*in.username))
		switch {
		case err == nil:
			return false, nil // taken
		case !errors.Is(err, directory.ErrNotFound):
			return failed(err, false)
		}
	}
	return true, nil
}

// setEnabled is disableUser and enableUser: the account state every
// dialect shares. An unknown id is true, as Kanboard's UPDATE of no row.
func (t *userTable) setEnabled(ctx context.Context, c identity.Caller, ref directory.Ref, enabled bool) (any, error) {
	a, err := t.find(ctx, c, ref)
	if notKanboards(err) {
		return true, nil
	}
	if err != nil {
		return failed(err, false)
	}
	if err := t.dom.SetEnabled(ctx, c, directory.ByID(a.user.ID), enabled); err != nil {
		return failed(err, false)
	}
	return true, nil
}

// isActive is isActiveUser: Kanboard's is_active, i.e. not disabled.
func (t *userTable) isActive(ctx context.Context, c identity.Caller, ref directory.Ref) (any, error) {
	a, err := t.find(ctx, c, ref)
	if err != nil {
		return failed(err, false)
	}
	return a.user.Enabled, nil
}
