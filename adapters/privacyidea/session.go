package privacyidea

import (
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
	// self and res are a user token's own entry and the resolver holding
	// it, found again on every request as privacyIDEA does.
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

// authenticate reads and verifies the request's token.
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
	if s.admin() {
		return s, nil
	}
	rl, ok := d.topo.realm(s.realm)
	if !ok {
		return nil, userError("The user can not be found in any resolver in this realm!")
	}
	lookup := d.caller(c, s, lookupScope)
	for _, res := range rl.resolvers {
		u, err := res.find(ctx(c), lookup, s.username)
		if errors.Is(err, directory.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		s.self, s.res = u, res
		return s, nil
	}
	return nil, userError("The user can not be found in any resolver in this realm!")
}

// scope is the core scope of a request acting on resolver res: an admin's
// policies for the action, or a user token's own entry.
func (d *Dialect) scope(s *session, g grant, action string, res *resolver) identity.Scope {
	if s.admin() {
		return d.topo.adminScope(g, action, res)
	}
	return identity.Scope{Self: s.self.DN, Operations: selfOperations[action]}
}
