package openapi

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type impersonateRequest struct {
	UserID string `json:"userId"`
}

type tokenResponse struct {
	Token string `json:"token"`
	// ExpiresIn is the token's lifetime in seconds.
	ExpiresIn int64 `json:"expiresIn"`
}

// login answers POST /login: a password logon (failures count towards the
// directory's lockout) that returns a token.
func (d *Dialect) login(c echo.Context) error {
	var req loginRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Username == "" || req.Password == "" {
		return badRequest("username and password are required")
	}
	ctx := c.Request().Context()
	caller := dialect.Caller(c, Name, req.Username, identity.Scope{Operations: []identity.Operation{identity.OpPasswordVerify}})
	u, err := d.domain.Authenticate(ctx, caller, directory.ByName(req.Username), req.Password)
	switch {
	case errors.Is(err, directory.ErrNotFound), errors.Is(err, directory.ErrInvalidCredentials):
		// One answer for an unknown user and a wrong password: no
		// username enumeration.
		return &apiError{status: http.StatusUnauthorized, message: msgBadCredentials, cause: err}
	case err != nil:
		return coreError(err, "")
	case u.MustChangePassword:
		return preconditionFailed("the password has expired or must be changed before logging in: change it with POST /password/change")
	}
	admin, err := d.isAdmin(ctx, u)
	if err != nil {
		return coreError(err, "")
	}
	return d.issueLoginToken(c, u, admin, nil)
}

// impersonate answers POST /login/impersonate: an admin gets a token for
// another user, with that user's rights and the admin recorded as actor.
func (d *Dialect) impersonate(c echo.Context) error {
	var req impersonateRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.UserID == "" {
		return badRequest("userId is required")
	}
	s := sessionOf(c)
	ctx := c.Request().Context()
	u, err := d.domain.GetUser(ctx, s.caller, directory.ByID(req.UserID))
	if err != nil {
		return lookupError(err, userSubject(req.UserID))
	}
	switch {
	case u.InvitationPending:
		return preconditionFailed("user %q has not accepted the invitation yet", u.Username)
	case !u.Active():
		return preconditionFailed("user %q is disabled or locked and cannot log in", u.Username)
	case u.MustChangePassword:
		return preconditionFailed("user %q must change the password before logging in", u.Username)
	}
	admin, err := d.isAdmin(ctx, u)
	if err != nil {
		return coreError(err, "")
	}
	// An admin acting with an impersonation token passes its own chain on,
	// so the new token still names the admin who started it.
	actor := &actorClaim{Subject: s.user.ID, Username: s.user.Username, DN: s.user.DN, Actor: s.actor}
	if actor.depth() > maxActors {
		return preconditionFailed("impersonation may be nested %d deep at most: log in as the admin and impersonate from there", maxActors)
	}
	return d.issueLoginToken(c, u, admin, actor)
}

func (d *Dialect) issueLoginToken(c echo.Context, u *directory.User, admin bool, actor *actorClaim) error {
	registered, _ := d.logins.registered(u.ID)
	token, err := d.logins.sign(loginClaims{RegisteredClaims: registered, Username: u.Username, DN: u.DN, Admin: admin, Actor: actor})
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusOK, tokenResponse{Token: token, ExpiresIn: int64(d.cfg.TokenLifetime.Seconds())})
}
