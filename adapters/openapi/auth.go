package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

const sessionKey = "openapi.session"

// session is the authenticated caller of a request.
type session struct {
	// user is the token's user as the directory has it now.
	user  *directory.User
	admin bool
	// actor is the chain of admins impersonating user, nil for a login
	// token.
	actor *actorClaim
	// caller is what every core call of the request passes: unlimited for
	// admins, limited to the user's own entry otherwise.
	caller identity.Caller
}

func sessionOf(c echo.Context) *session {
	s, _ := c.Get(sessionKey).(*session)
	return s
}

// authenticate verifies the bearer token and loads its user. The user is
// read on every request (tokenUser), so a deleted, disabled or locked
// account stops working at once rather than when its token expires.
func (d *Dialect) authenticate(c echo.Context) error {
	token, ok := bearerToken(c.Request().Header.Get(echo.HeaderAuthorization))
	if !ok {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="dirgate"`)
		return unauthorized("a bearer token is required: log in with POST /login")
	}
	var claims loginClaims
	if err := d.logins.parseLogin(d.verifiedLogins, token, &claims); err != nil {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="dirgate", error="invalid_token"`)
		if errors.Is(err, errTokenExpired) {
			return &apiError{status: http.StatusUnauthorized, message: "the token has expired: log in again", cause: err}
		}
		return &apiError{status: http.StatusUnauthorized, message: "invalid token", cause: err}
	}
	if claims.Actor.depth() > maxActors {
		return &apiError{status: http.StatusUnauthorized, message: "invalid token", cause: errors.New("impersonation chain too long")}
	}
	ctx := c.Request().Context()
	lookup := d.lookupCaller(c, "token of "+claims.Username)
	u, err := d.tokenUser(ctx, lookup, claims.Subject, claims.DN)
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return &apiError{status: http.StatusUnauthorized, message: "the token's user no longer exists", cause: err}
	case err != nil:
		return coreError(err, "")
	case !u.Active():
		return unauthorized("account is disabled or locked")
	case u.MustChangePassword && !passwordRoute(c):
		return preconditionFailed("the password must be changed first: PUT /users/me/password")
	}
	if claims.Admin {
		admin, err := d.isAdmin(ctx, u)
		switch {
		case errors.Is(err, directory.ErrNotFound): // deleted meanwhile
			return &apiError{status: http.StatusUnauthorized, message: "the token's user no longer exists", cause: err}
		case err != nil:
			return coreError(err, "")
		}
		if !admin {
			return unauthorized("the token's user is no longer an admin: log in again")
		}
	}
	name := u.Username
	if claims.Actor != nil {
		admins, err := d.checkActors(ctx, c, claims.Actor)
		if err != nil {
			return err
		}
		name = fmt.Sprintf("%s (impersonated by %s)", u.Username, strings.Join(admins, ", impersonated by "))
	}
	scope := identity.Scope{}
	if !claims.Admin {
		scope.Self = u.DN
	}
	c.Set(sessionKey, &session{user: u, admin: claims.Admin, actor: claims.Actor, caller: dialect.Caller(c, Name, name, scope)})
	return nil
}

// tokenUser reads a token's user (or impersonating admin) as the
// directory has it now. A token that carries the DN is read there first:
// on LDAP a base-object read, much cheaper for the server than the
// subtree search an id costs. The entry found counts only when its id is
// the subject; when there is none, or another one (the user was renamed
// or moved, or deleted and another created under the same DN), the id
// decides, as it does for tokens without a DN, and finding nothing by id
// means the user is gone.
func (d *Dialect) tokenUser(ctx context.Context, caller identity.Caller, subject, dn string) (*directory.User, error) {
	if dn != "" {
		u, err := d.domain.GetUser(ctx, caller, directory.ByDN(dn))
		switch {
		case err == nil && u.ID == subject:
			return u, nil
		case err == nil, errors.Is(err, directory.ErrNotFound), errors.Is(err, directory.ErrInvalidInput):
			// Moved, renamed, replaced, or a DN this directory cannot
			// take: look the subject up by id.
		default:
			return nil, err
		}
	}
	return d.domain.GetUser(ctx, caller, directory.ByID(subject))
}

// checkActors holds an impersonation token to every admin in its chain,
// the originating admin included: it stops working once any of them is
// deleted, disabled, locked or no longer an admin, as their own tokens
// do, not when it expires. It returns their usernames as they are now,
// the nearest first, for the audit log.
func (d *Dialect) checkActors(ctx context.Context, c echo.Context, actor *actorClaim) ([]string, error) {
	var names []string
	for a := actor; a != nil; a = a.Actor {
		u, err := d.tokenUser(ctx, d.lookupCaller(c, "impersonator "+a.Username), a.Subject, a.DN)
		switch {
		case errors.Is(err, directory.ErrNotFound):
			return nil, &apiError{status: http.StatusUnauthorized, message: "the admin who impersonated this user no longer exists", cause: err}
		case err != nil:
			return nil, coreError(err, "")
		case !u.Active():
			return nil, unauthorized("the admin who impersonated this user is disabled or locked")
		}
		admin, err := d.isAdmin(ctx, u)
		switch {
		case errors.Is(err, directory.ErrNotFound): // deleted meanwhile
			return nil, &apiError{status: http.StatusUnauthorized, message: "the admin who impersonated this user no longer exists", cause: err}
		case err != nil:
			return nil, coreError(err, "")
		}
		if !admin {
			return nil, unauthorized("the admin who impersonated this user is no longer an admin")
		}
		names = append(names, u.Username)
	}
	return names, nil
}

// passwordRoute: the routes a user who must change the password may use.
func passwordRoute(c echo.Context) bool {
	p := c.Path()
	return strings.HasSuffix(p, "/users/me/password") || strings.HasSuffix(p, "/users/me/password/validate")
}

func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}

// lookupCaller reads entries on behalf of an unauthenticated step (a
// token's or an invitation's user, a login name): read-only, and only user
// reads.
func (d *Dialect) lookupCaller(c echo.Context, name string) identity.Caller {
	return dialect.Caller(c, Name, name, identity.Scope{ReadOnly: true, Operations: []identity.Operation{identity.OpUserRead}})
}

// selfCaller acts on one user's own entry only: a logon, a password change
// without token, an invitation being accepted.
func (d *Dialect) selfCaller(c echo.Context, name string, u *directory.User, ops ...identity.Operation) identity.Caller {
	return dialect.Caller(c, Name, name, identity.Scope{Self: u.DN, Operations: ops})
}

// isAdmin: a configured admin entry (by DN: whoever later takes a free
// admin's name is not one), or a member of the admin group. Asked at
// login and again on every request of an admin or impersonation token.
func (d *Dialect) isAdmin(ctx context.Context, u *directory.User) (bool, error) {
	if slices.ContainsFunc(d.cfg.AdminDNs, func(dn string) bool { return directory.EqualDN(dn, u.DN) }) {
		return true, nil
	}
	if d.cfg.AdminGroup == "" {
		return false, nil
	}
	ok, err := d.domain.IsMember(ctx, directory.ByDN(u.DN), d.cfg.AdminGroup)
	if err != nil {
		return false, fmt.Errorf("admin group membership: %w", err)
	}
	return ok, nil
}
