package privacyidea

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// loginScope is all a login may do: find the user and check its password.
var loginScope = identity.Scope{Operations: []identity.Operation{identity.OpUserRead, identity.OpPasswordVerify}}

// authValue is result.value of a successful POST /auth.
type authValue struct {
	Token    string   `json:"token"`
	Role     string   `json:"role"`
	Username string   `json:"username"`
	Realm    string   `json:"realm"`
	Rights   []string `json:"rights"`
	Menus    []string `json:"menus"`
	Auth     bool     `json:"auth"`
}

// handleAuth is POST /auth: it checks a user's password against the
// directory and issues a JWT with role admin or user.
func (d *Dialect) handleAuth(c echo.Context) error {
	noStore(c)
	p, apiErr := readParams(c)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	username, apiErr := p.str("username")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	if username == "" {
		return d.env.fail(c, authError(codeMissingUsername, "Authentication failure. Missing Username"))
	}
	password, apiErr := p.str("password")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	realmParam, apiErr := p.str("realm")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}

	login, rl := d.splitLogin(username, realmParam)
	if rl == nil {
		return d.env.fail(c, errWrongPassword)
	}
	s := &session{username: login, realm: rl.name}
	caller := d.caller(c, s, loginScope)
	u, res, err := d.verify(ctx(c), caller, rl, login, password)
	if err != nil {
		return d.answer(c, "", nil, err)
	}
	s.username = u.Username
	admin, err := d.isAdmin(ctx(c), res, u, rl.name)
	if err != nil {
		return d.answer(c, "", nil, err)
	}
	value := authValue{Username: u.Username, Realm: rl.name, Role: roleUser, Rights: []string{}, Menus: []string{}, Auth: true}
	if admin {
		value.Role = roleAdmin
		value.Rights = d.policies.rights(u, rl.name)
		if slices.Contains(value.Rights, actionUserList) {
			value.Menus = []string{"users"}
		}
	}
	acct := account{id: u.ID, dn: u.DN, username: u.Username, resolver: res.name, realm: rl.name}
	if value.Token, err = d.tokens.issue(acct, value.Role, value.Rights); err != nil {
		return d.answer(c, "", nil, err)
	}
	return d.env.ok(c, value)
}

// splitLogin finds the realm of a login as privacyIDEA does: the realm
// parameter, else an "@realm" suffix naming a configured realm, else the
// default realm. nil: the realm asked for does not exist.
func (d *Dialect) splitLogin(username, realmParam string) (string, *realm) {
	if realmParam != "" {
		rl, _ := d.topo.realm(realmParam)
		return username, rl
	}
	if i := strings.LastIndex(username, "@"); i > 0 {
		if rl, ok := d.topo.realm(username[i+1:]); ok {
			return username[:i], rl
		}
	}
	return username, d.topo.defaultRealm
}

// verify finds the login in the realm's resolvers, in order, and checks
// its password. Every failure a client could learn from (no such user, a
// wrong password, a disabled or locked account) is the same 4031.
func (d *Dialect) verify(ctx context.Context, c identity.Caller, rl *realm, login, password string) (*directory.User, *resolver, error) {
	for _, res := range rl.resolvers {
		u, err := res.find(ctx, c, login)
		if errors.Is(err, directory.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		u, err = res.domain.Authenticate(ctx, c, directory.ByID(u.ID), password)
		switch {
		case errors.Is(err, directory.ErrInvalidCredentials), errors.Is(err, directory.ErrAccountDisabled),
			errors.Is(err, directory.ErrAccountLocked), errors.Is(err, directory.ErrInvalidInput),
			errors.Is(err, directory.ErrNotFound):
			return nil, nil, errWrongPassword
		case err != nil:
			return nil, nil, err
		}
		return u, res, nil
	}
	// No resolver knows the login: a failure all the same, so that probing
	// names costs the client's address what a wrong password costs.
	if len(rl.resolvers) > 0 {
		check, err := rl.resolvers[0].domain.BeginCheck(c, "")
		if err != nil {
			return nil, nil, err
		}
		check.Failed()
	}
	return nil, nil, errWrongPassword
}

// isAdmin: a configured admin entry (by DN, so whoever later takes a
// free admin's name is not one), a user of an admin realm, or a member of
// an admin group. It is asked at login and again on every request of an
// admin token.
func (d *Dialect) isAdmin(ctx context.Context, res *resolver, u *directory.User, realmName string) (bool, error) {
	if slices.ContainsFunc(d.admins.DNs, func(dn string) bool { return directory.EqualDN(dn, u.DN) }) {
		return true, nil
	}
	if slices.ContainsFunc(d.admins.Realms, func(r string) bool { return strings.EqualFold(r, realmName) }) {
		return true, nil
	}
	for _, group := range d.admins.Groups {
		member, err := res.domain.IsMember(ctx, directory.ByDN(u.DN), group)
		if err != nil {
			return false, err
		}
		if member {
			return true, nil
		}
	}
	return false, nil
}
