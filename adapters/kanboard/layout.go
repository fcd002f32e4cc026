package kanboard

import (
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// layout is where Kanboard's users table lives in the directory.
type layout struct {
	// usersDN holds Kanboard's own users (createUser); ldapBase the
	// directory users createLdapUser may register; groupsDN the groups
	// below when they must be created.
	usersDN, ldapBase, groupsDN string
	// admins and managers hold the roles; ldapUsers the registrations.
	admins, managers, ldapUsers string
}

// operations are all a Kanboard caller ever needs; the scope refuses the
// rest even if this adapter asked for it by mistake.
var operations = []identity.Operation{
	identity.OpUserRead, identity.OpUserCreate, identity.OpUserUpdate, identity.OpUserRename,
	identity.OpUserDelete, identity.OpUserEnable, identity.OpUserDisable, identity.OpPasswordVerify,
	identity.OpGroupRead, identity.OpGroupCreate, identity.OpGroupMemberAdd, identity.OpGroupMemberRemove,
}

// scope is the limit of every Kanboard caller: its operations, inside its
// containers (no subtree limit when one of them is the whole domain).
func (l layout) scope(base string) identity.Scope {
	s := identity.Scope{Operations: operations}
	for _, dn := range []string{l.usersDN, l.ldapBase, l.groupsDN} {
		if directory.IsUnder(base, dn) {
			s.Subtrees = nil
			return s
		}
		s.Subtrees = append(s.Subtrees, dn)
	}
	return s
}

// isKanboardUser: the user lives in Kanboard's container, or was
// registered by createLdapUser and still lives under the wider base.
func (l layout) isKanboardUser(u *directory.User, registered bool) bool {
	return directory.IsUnder(u.DN, l.usersDN) || registered && directory.IsUnder(u.DN, l.ldapBase)
}

// roleOf derives Kanboard's role from the groups a user belongs to,
// directly or through nesting.
func (l layout) roleOf(groups []directory.Membership) string {
	role := roleUser
	for _, m := range groups {
		switch {
		case strings.EqualFold(m.Group.Name, l.admins):
			return roleAdmin
		case strings.EqualFold(m.Group.Name, l.managers):
			role = roleManager
		}
	}
	return role
}

// Kanboard's application roles.
const (
	roleAdmin   = "app-admin"
	roleManager = "app-manager"
	roleUser    = "app-user"
)

// groupOf is the group holding a role ("" for app-user, which is the
// absence of both).
func (l layout) groupOf(role string) string {
	switch role {
	case roleAdmin:
		return l.admins
	case roleManager:
		return l.managers
	default:
		return ""
	}
}

func validRole(role string) bool {
	return role == roleAdmin || role == roleManager || role == roleUser
}
