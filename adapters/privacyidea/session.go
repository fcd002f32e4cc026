package privacyidea

import (
	"context"
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// session is who a request's token says is calling.
type session struct {
	username string
	realm    string
	role     string
	// self and res are the token's account and the resolver holding it,
	// read again on every request.
	self *directory.User
	res  *resolver
}

func (s *session) admin() bool { return s.role == roleAdmin }

// name is how the audit log names the caller.
func (s *session) name() string {
	if s.realm == "" {
		return s.username
	}
	return s.username + "@" + s.realm
}

// lookupScope lets the adapter find a user token's own entry, and only
// read it, before the entry's DN is known to scope the request by.
var lookupScope = identity.Scope{Operations: []identity.Operation{identity.OpUserRead}}

// authenticate reads and verifies the request's token, then reads the
// account it names as the directory has it now: a token is worth what its
// account is worth at this request, not what it was at login. An account
// deleted (or deleted and created again: another id), disabled or locked
// is refused, and so is an admin token whose account is no longer an
// admin. Nothing is cached, so a change made through any replica holds at
// the next request on every replica.
func (d *Dialect) authenticate(c echo.Context) (*session, error) {
	raw := bearer(c)
	if raw == "" {
		return nil, errMissingHeader
	}
	cl, apiErr := d.tokens.verify(raw)
	if apiErr != nil {
		return nil, apiErr
	}
	s := &session{username: cl.Username, realm: cl.Realm, role: cl.Role}
	rl, okRealm := d.topo.realm(s.realm)
	res, okRes := d.topo.resolver(cl.Resolver)
	if !okRealm || !okRes || !rl.holds(res) {
		return nil, s.accountGone()
	}
	u, err := tokenAccount(ctx(c), d.caller(c, s, lookupScope), res, cl)
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return nil, s.accountGone()
	case err != nil:
		return nil, err
	case !u.Active():
		return nil, errAccountInactive
	}
	s.username, s.self, s.res = u.Username, u, res
	if s.admin() {
		admin, err := d.isAdmin(ctx(c), res, u, rl.name)
		switch {
		case errors.Is(err, directory.ErrNotFound): // deleted meanwhile
			return nil, s.accountGone()
		case err != nil:
			return nil, err
		}
		if !admin {
			return nil, errNoLongerAdmin
		}
	}
	return s, nil
}

// tokenAccount reads the token's account in its resolver: at the DN the
// token carries first (on LDAP a base-object read, cheaper than the
// search an id costs), by id when there is no entry there or another one
// (renamed, moved, or deleted and another created at the same DN). The
// entry counts only when its id is the token's subject and it lies in the
// resolver.
func tokenAccount(ctx context.Context, lookup identity.Caller, res *resolver, cl *claims) (*directory.User, error) {
	if cl.DN != "" {
		u, err := res.domain.GetUser(ctx, lookup, directory.ByDN(cl.DN))
		switch {
		case err == nil && u.ID == cl.Subject:
			return res.inside(u, nil)
		case err == nil, errors.Is(err, directory.ErrNotFound), errors.Is(err, directory.ErrInvalidInput):
			// Another entry, none, or a DN this directory cannot take:
			// the id decides.
		default:
			return nil, err
		}
	}
	return res.inside(res.domain.GetUser(ctx, lookup, directory.ByID(cl.Subject)))
}

// accountGone is the answer to a token whose account is no longer there:
// for a user token privacyIDEA's own (it looks the user up on every
// request), for an admin token an authentication failure.
func (s *session) accountGone() *apiError {
	if s.admin() {
		return authError(codeWrongCredential, "Authentication failure. The account of this token no longer exists.")
	}
	return userError("The user can not be found in any resolver in this realm!")
}

// scope is the core scope of a request acting on resolver res: an admin's
// policies for the action, or a user token's own entry.
func (d *Dialect) scope(s *session, g grant, action string, res *resolver) identity.Scope {
	if s.admin() {
		return d.topo.adminScope(g, action, res)
	}
	return identity.Scope{Self: s.self.DN, Operations: selfOperations[action]}
}
