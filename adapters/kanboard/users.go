package kanboard

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// userTable is Kanboard's users table, kept in the directory through the
// core.
type userTable struct {
	dom    *identity.Domain
	layout layout
}

// account is a directory user seen as a Kanboard user.
type account struct {
	user *directory.User
	role string
	// registered: createLdapUser registered the user (is_ldap_user).
	registered bool
	// groups are the user's memberships, direct and nested (nil when the
	// account comes from a listing).
	groups []directory.Membership
}

// isDirectMember reports whether the memberships list the group itself,
// not only through nesting.
func isDirectMember(groups []directory.Membership, group string) bool {
	return slices.ContainsFunc(groups, func(m directory.Membership) bool {
		return m.Direct && strings.EqualFold(m.Group.Name, group)
	})
}

// errNotKanboardUser: the directory user exists but is not in Kanboard's
// table, so Kanboard would not find it.
var errNotKanboardUser = fmt.Errorf("%w: not a Kanboard user", directory.ErrNotFound)

// find reads a Kanboard user with its role.
func (t *userTable) find(ctx context.Context, c identity.Caller, ref directory.Ref) (*account, error) {
	u, err := t.dom.GetUser(ctx, c, ref)
	if err != nil {
		return nil, err
	}
	// By the DN just read: the backend can then walk from it without
	// finding the user again.
	groups, err := t.dom.MemberOf(ctx, c, directory.UserRef(directory.ByDN(u.DN)), true)
	if err != nil {
		return nil, err
	}
	a := &account{user: u, role: t.layout.roleOf(groups), registered: isDirectMember(groups, t.layout.ldapUsers), groups: groups}
	// A user without a uidNumber has no Kanboard id to be named by.
	if !t.layout.isKanboardUser(u, a.registered) || u.UIDNumber <= 0 {
		return nil, errNotKanboardUser
	}
	return a, nil
}

// get is getUser and getUserByName: the user, or null.
func (t *userTable) get(ctx context.Context, c identity.Caller, ref directory.Ref) (any, error) {
	a, err := t.find(ctx, c, ref)
	if err != nil {
		return failed(err, nil)
	}
	return viewOf(a), nil
}

// all is getAllUsers: Kanboard's own users and the registered directory
// users, ordered by username. Roles come from three group reads, not one
// read per user. The answer's budget (maxResults) bounds the users read:
// one more than it may hold says there are too many without reading all.
func (t *userTable) all(ctx context.Context, c identity.Caller) (any, error) {
	budget := budgetOf(ctx)
	own, err := t.dom.SearchUsers(ctx, c, directory.Query{Base: t.layout.usersDN, Limit: budget.left + 1})
	if err != nil && !errors.Is(err, directory.ErrNotFound) {
		return nil, err
	}
	if len(own.Items) > budget.left {
		return nil, budget.spend(len(own.Items))
	}
	registered, err := t.memberIDs(ctx, c, t.layout.ldapUsers, false)
	if err != nil {
		return nil, err
	}
	admins, err := t.memberIDs(ctx, c, t.layout.admins, true)
	if err != nil {
		return nil, err
	}
	managers, err := t.memberIDs(ctx, c, t.layout.managers, true)
	if err != nil {
		return nil, err
	}

	users := own.Items
	seen := make(map[string]bool, len(users))
	for _, u := range users {
		seen[u.ID] = true
	}
	var elsewhere []string
	for id := range registered {
		if !seen[id] {
			elsewhere = append(elsewhere, id)
		}
	}
	more, err := t.usersByID(ctx, c, elsewhere)
	if err != nil {
		return nil, err
	}
	users = append(users, more...)

	views := make([]userView, 0, len(users))
	for i := range users {
		u := &users[i]
		a := &account{user: u, role: roleUser, registered: registered[u.ID]}
		switch {
		case admins[u.ID]:
			a.role = roleAdmin
		case managers[u.ID]:
			a.role = roleManager
		}
		if t.layout.isKanboardUser(u, a.registered) && u.UIDNumber > 0 {
			views = append(views, viewOf(a))
		}
	}
	if err := budget.spend(len(views)); err != nil {
		return nil, err
	}
	slices.SortFunc(views, func(a, b userView) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Username), strings.ToLower(b.Username)),
			strings.Compare(a.Username, b.Username))
	})
	return views, nil
}

// memberIDs lists the ids of a group's user members; a group that does
// not exist yet has none.
func (t *userTable) memberIDs(ctx context.Context, c identity.Caller, group string, indirect bool) (map[string]bool, error) {
	members, err := t.dom.Members(ctx, c, directory.ByName(group), indirect)
	if errors.Is(err, directory.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	ids := make(map[string]bool, len(members))
	for _, m := range members {
		if m.Type == directory.PrincipalUser {
			ids[m.ID] = true
		}
	}
	return ids, nil
}

// idsPerSearch bounds the filter of one search by ids.
const idsPerSearch = 100

// usersByID reads the registered users that live outside Kanboard's own
// container, a bounded filter at a time.
func (t *userTable) usersByID(ctx context.Context, c identity.Caller, ids []string) ([]directory.User, error) {
	var users []directory.User
	for chunk := range slices.Chunk(ids, idsPerSearch) {
		page, err := t.dom.SearchUsers(ctx, c, directory.Query{
			Base:   t.layout.ldapBase,
			Filter: directory.In(directory.FieldID, chunk...),
		})
		if err != nil {
			return nil, err
		}
		users = append(users, page.Items...)
	}
	return users, nil
}
