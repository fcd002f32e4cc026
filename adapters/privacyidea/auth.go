package privacyidea

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// loginScope is all a login may do: find the user and check its password.
var loginScope = identity.Scope{Operations: []identity.Operation{identity.OpUserRead, identity.OpPasswordVerify}}

// authValue is result.value of a successful POST /auth. Flask writes keys
// sorted, so the fields are in that order.
type authValue struct {
	Auth     bool     `json:"auth"`
	LogLevel int      `json:"log_level"`
	Menus    []string `json:"menus"`
	Realm    string   `json:"realm"`
	Rights   []string `json:"rights"`
	Role     string   `json:"role"`
	Token    string   `json:"token"`
	Username string   `json:"username"`
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
	password, apiErr := p.str("password")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	realmParam, apiErr := p.str("realm")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	// The original names an unknown realm parameter before anything else:
	// realms are configuration, so this tells nothing about accounts.
	if _, ok := d.topo.realm(realmParam); realmParam != "" && !ok {
		return d.env.fail(c, unknownRealm(realmParam))
	}
	if _, given := p["username"]; !given {
		// Only a missing username is "missing": an empty one fails as
		// wrong credentials, as the original's `username is None` test.
		return d.env.fail(c, authError(codeMissingUsername, "Authentication failure. Missing Username"))
	}

	login, rl := d.splitLogin(username, realmParam)
	s := &session{username: login}
	if rl != nil {
		s.realm = rl.name
	}
	caller := d.caller(c, s, loginScope)
	if rl == nil || login == "" {
		// No realm to look in, or no name: answered as a wrong password,
		// and no sooner.
		return d.answer(c, "", nil, d.refuse(ctx(c), caller, d.topo.defaultRealm, login, password))
	}
	u, res, err := d.verify(ctx(c), caller, rl, login, password)
	if err != nil {
		return d.answer(c, "", nil, err)
	}
	s.username = u.Username
	admin, err := d.isAdmin(ctx(c), res, u, rl.name)
	if err != nil {
		return d.answer(c, "", nil, err)
	}
	value := authValue{Username: u.Username, Realm: rl.name, Role: roleUser, Rights: []string{}, Menus: []string{}, Auth: true,
		LogLevel: pythonLogLevel(ctx(c), d.log)}
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
	return d.env.accepted(c, value)
}

// splitLogin finds the realm of a login as privacyIDEA's split_user and
// /auth do: the name is trimmed, then split at its last "@" when what
// follows names a configured realm, else at its last backslash
// ("realm\user") whatever precedes it; a realm parameter wins over the
// split realm, and without either the login is in the default realm. nil:
// the realm asked for does not exist.
func (d *Dialect) splitLogin(username, realmParam string) (string, *realm) {
	login, realmName := strings.TrimSpace(username), ""
	if i := strings.LastIndex(login, "@"); i >= 0 {
		if _, ok := d.topo.realm(login[i+1:]); ok {
			login, realmName = login[:i], login[i+1:]
		}
	} else if i := strings.LastIndex(login, `\`); i >= 0 {
		login, realmName = login[i+1:], login[:i]
	}
	if realmParam != "" {
		realmName = realmParam
	}
	if realmName == "" {
		return login, d.topo.defaultRealm
	}
	rl, _ := d.topo.realm(realmName)
	return login, rl
}

// pythonLogLevel is /auth's log_level: the level of dirgate's log in
// Python's numbers (DEBUG 10, INFO 20, WARNING 30, ERROR 40), which the
// original reads from PI_LOGLEVEL.
func pythonLogLevel(ctx context.Context, log *slog.Logger) int {
	for _, l := range []struct {
		slog   slog.Level
		python int
	}{{slog.LevelDebug, 10}, {slog.LevelInfo, 20}, {slog.LevelWarn, 30}} {
		if log.Enabled(ctx, l.slog) {
			return l.python
		}
	}
	return 40
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
		switch identity.Kind(err) {
		case identity.KindNone:
			return u, res, nil
		case identity.KindInvalidCredentials, identity.KindAccountDisabled, identity.KindAccountLocked,
			identity.KindInvalidInput, identity.KindNotFound:
			return nil, nil, errWrongPassword
		default:
			return nil, nil, err
		}
	}
	return nil, nil, d.refuse(ctx, c, rl, login, password)
}

// refuse answers a login whose user no resolver of the realm holds: the
// core counts it against the name and the client's address and spends
// what a wrong password costs first (identity.RefuseLogon), so neither
// the answer, nor its time, nor the throttle tells that the user does not
// exist.
func (d *Dialect) refuse(ctx context.Context, c identity.Caller, rl *realm, login, password string) error {
	if rl == nil || len(rl.resolvers) == 0 {
		return errWrongPassword
	}
	err := rl.resolvers[0].domain.RefuseLogon(ctx, c, login, password)
	if errors.Is(err, directory.ErrInvalidCredentials) {
		return errWrongPassword
	}
	return err
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
