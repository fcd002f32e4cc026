package privacyidea

import (
	"slices"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// The admin policy actions of privacyIDEA's user endpoints.
const (
	actionUserList   = "userlist"
	actionAddUser    = "adduser"
	actionUpdateUser = "updateuser"
	actionDeleteUser = "deleteuser"
)

var allActions = []string{actionUserList, actionAddUser, actionUpdateUser, actionDeleteUser}

// operations are the core operations an action needs. Writes that first
// find their user by name read it, so they carry the read too.
var operations = map[string][]identity.Operation{
	actionUserList:   {identity.OpUserRead},
	actionAddUser:    {identity.OpUserCreate},
	actionUpdateUser: {identity.OpUserRead, identity.OpUserUpdate, identity.OpUserRename, identity.OpPasswordSet},
	actionDeleteUser: {identity.OpUserRead, identity.OpUserDelete},
}

// selfOperations are what a user token may do to its own entry: see it
// and edit it (a new password among others), never rename it.
var selfOperations = map[string][]identity.Operation{
	actionUserList:   {identity.OpUserRead},
	actionUpdateUser: {identity.OpUserRead, identity.OpUserUpdate, identity.OpPasswordSet},
}

// adminPolicy is a compiled AdminPolicy.
type adminPolicy struct {
	admins  []string
	realms  []string // lower case; empty: every realm
	actions []string
}

// policies are the admin policies; none means every admin may do
// everything.
type policies []adminPolicy

func compilePolicies(ps []AdminPolicy) policies {
	out := make(policies, 0, len(ps))
	for _, p := range ps {
		cp := adminPolicy{admins: p.Admins}
		for _, r := range p.Realms {
			cp.realms = append(cp.realms, strings.ToLower(r))
		}
		for _, a := range p.Actions {
			cp.actions = append(cp.actions, strings.ToLower(a))
		}
		out = append(out, cp)
	}
	return out
}

// grant is where an admin may perform one action.
type grant struct {
	everywhere bool
	realms     []string
}

func (g grant) none() bool { return !g.everywhere && len(g.realms) == 0 }

// allowsRealm reports whether the grant covers a realm.
func (g grant) allowsRealm(name string) bool {
	return g.everywhere || slices.Contains(g.realms, strings.ToLower(name))
}

// grantFor unions the policies that apply to the admin and allow action.
func (ps policies) grantFor(u *directory.User, realmName, action string) grant {
	if len(ps) == 0 {
		return grant{everywhere: true}
	}
	var g grant
	for _, p := range ps {
		if !slices.Contains(p.actions, action) {
			continue
		}
		if len(p.admins) > 0 && !matchesAccount(p.admins, u, realmName) {
			continue
		}
		if len(p.realms) == 0 {
			return grant{everywhere: true}
		}
		for _, r := range p.realms {
			if !slices.Contains(g.realms, r) {
				g.realms = append(g.realms, r)
			}
		}
	}
	return g
}

// adminGrant is where an admin may perform action. An admin no policy
// allows it anywhere is refused at once, as privacyIDEA's
// check_base_action does; the realms are the core's to enforce.
func (d *Dialect) adminGrant(s *session, action string) (grant, *apiError) {
	g := d.policies.grantFor(s.self, s.realm, action)
	if g.none() {
		return g, policyError(action)
	}
	return g, nil
}

// rights lists the actions an admin may perform somewhere, for /auth.
func (ps policies) rights(u *directory.User, realmName string) []string {
	out := []string{}
	for _, a := range allActions {
		if !ps.grantFor(u, realmName, a).none() {
			out = append(out, a)
		}
	}
	return out
}

// matchesAccount reports whether an admin is one of the accounts: each a
// DN (that entry), "name" (any realm) or "name@realm". Names are matched
// against the admin's username as the directory has it now.
func matchesAccount(accounts []string, u *directory.User, realmName string) bool {
	for _, a := range accounts {
		if strings.Contains(a, "=") {
			if directory.EqualDN(a, u.DN) {
				return true
			}
			continue
		}
		name, rl, qualified := strings.Cut(a, "@")
		if qualified && !strings.EqualFold(rl, realmName) {
			continue
		}
		if name == u.Username {
			return true
		}
	}
	return false
}

// adminScope is the core scope of an admin performing action on
// resolver res: the action's operations, inside the subtrees of the
// resolvers of res's domain in the realms the admin's policies allow. No
// such subtree means nothing is allowed, never everything.
func (t *topology) adminScope(g grant, action string, res *resolver) identity.Scope {
	ops := operations[action]
	if g.everywhere {
		return identity.Scope{Operations: ops}
	}
	var subtrees []string
	for _, name := range g.realms {
		rl, ok := t.realm(name)
		if !ok {
			continue
		}
		for _, r := range rl.resolvers {
			if r.domain == res.domain && !slices.Contains(subtrees, r.subtree) {
				subtrees = append(subtrees, r.subtree)
			}
		}
	}
	if len(subtrees) == 0 {
		return identity.Scope{Operations: []identity.Operation{}}
	}
	return identity.Scope{Operations: ops, Subtrees: subtrees}
}
