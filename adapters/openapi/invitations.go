package openapi

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Invitations (dirgate's addition to the original's accept and
// availability endpoints): an admin creates a pending, disabled user and
// gets a signed token that expires with the invitation; whoever holds the
// token picks the username, display name and password, which enables the
// account. The token names the user by id, so nothing but the directory
// keeps the invitation's state, and every replica can check it.

type inviteRequest struct {
	UserName    string `json:"userName"`
	DisplayName string `json:"displayName"`
	Email       string `json:"email"`
}

type invitationResponse struct {
	Token string `json:"token"`
	// ExpiresIn is the invitation's lifetime in seconds.
	ExpiresIn        int64  `json:"expiresIn"`
	InvitationExpiry string `json:"invitationExpiry"`
	User             object `json:"user"`
}

// placeholderPrefix names invited users until they choose a name; with 12
// hex digits the name fits Active Directory's 20 characters.
const placeholderPrefix = "invited-"

func placeholderName() (string, error) {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return placeholderPrefix + hex.EncodeToString(b), nil
}

// invite answers POST /invitations.
func (d *Dialect) invite(c echo.Context) error {
	var req inviteRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.UserName == "" {
		name, err := placeholderName()
		if err != nil {
			return err
		}
		req.UserName = name
	}
	registered, expiry := d.invites.registered("")
	expiry = expiry.UTC().Truncate(time.Second) // directories keep whole seconds
	in := directory.NewUser{
		ParentDN:          d.cfg.Invitations.UsersDN,
		Username:          req.UserName,
		DisplayName:       req.DisplayName,
		Mail:              req.Email,
		Disabled:          true,
		InvitationPending: true,
		InvitationExpiry:  expiry,
	}
	u, err := d.domain.CreateUser(c.Request().Context(), sessionOf(c).caller, in)
	if err != nil {
		return coreError(err, userNamed(req.UserName))
	}
	registered.Subject = u.ID
	token, err := d.invites.sign(invitationClaims{RegisteredClaims: registered})
	if err != nil {
		return err
	}
	exp, _ := timestamp(expiry)
	c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	return c.JSON(http.StatusCreated, invitationResponse{
		Token: token, ExpiresIn: int64(d.cfg.Invitations.Lifetime.Seconds()), InvitationExpiry: exp, User: userFields.render(u),
	})
}

// invitedUser checks an invitation token and returns its pending user.
func (d *Dialect) invitedUser(c echo.Context, token string) (*directory.User, error) {
	if token == "" {
		return nil, badRequest("token is required")
	}
	var claims invitationClaims
	if err := d.invites.parse(token, &claims); err != nil {
		if errors.Is(err, errTokenExpired) {
			return nil, &apiError{status: http.StatusPreconditionFailed, message: "the invitation has expired", cause: err}
		}
		return nil, &apiError{status: http.StatusUnauthorized, message: "invalid invitation token", cause: err}
	}
	u, err := d.domain.GetUser(c.Request().Context(), d.lookupCaller(c, "invitation"), directory.ByID(claims.Subject))
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return nil, &apiError{status: http.StatusPreconditionFailed, message: "the invitation was withdrawn", cause: err}
	case err != nil:
		return nil, coreError(err, "")
	case !u.InvitationPending:
		return nil, preconditionFailed("the invitation was already accepted")
	case !u.InvitationExpiry.IsZero() && d.now().After(u.InvitationExpiry.Add(clockSkew)):
		return nil, preconditionFailed("the invitation has expired")
	}
	return u, nil
}

type availabilityRequest struct {
	Token    string `json:"token"`
	UserName string `json:"userName"`
}

type availabilityResponse struct {
	Available bool `json:"available"`
}

// userNameAvailability answers POST /invitations/userNameAvailability: a
// name is available when it meets the username rules and no other user
// has it.
func (d *Dialect) userNameAvailability(c echo.Context) error {
	var req availabilityRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	u, err := d.invitedUser(c, req.Token)
	if err != nil {
		return err
	}
	if req.UserName == "" {
		return badRequest("userName is required")
	}
	if err := d.domain.CheckUsername(req.UserName); err != nil {
		return coreError(err, "")
	}
	other, err := d.domain.GetUser(c.Request().Context(), d.lookupCaller(c, "invitation"), directory.ByName(req.UserName))
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return c.JSON(http.StatusOK, availabilityResponse{Available: true})
	case err != nil:
		return coreError(err, "")
	}
	return c.JSON(http.StatusOK, availabilityResponse{Available: other.ID == u.ID})
}

type acceptRequest struct {
	Token       string `json:"token"`
	DisplayName string `json:"displayName"`
	UserName    string `json:"userName"`
	Password    string `json:"password"`
	// JWTSubject links the account to an external identity provider's
	// subject; dirgate keeps it as the externalId.
	JWTSubject string `json:"jwtSubject"`
}

// acceptInvitation answers POST /invitations/accept: the invited user gets
// its name, display name and password (or external subject) and is
// enabled, all or nothing.
func (d *Dialect) acceptInvitation(c echo.Context) error {
	var req acceptRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	u, err := d.invitedUser(c, req.Token)
	if err != nil {
		return err
	}
	switch {
	case req.UserName == "" || req.DisplayName == "":
		return badRequest("userName and displayName are required")
	case req.Password == "" && req.JWTSubject == "":
		return badRequest("password (or jwtSubject, for a user who logs in elsewhere) is required")
	}
	var ch identity.UserChange
	ch.Patch.DisplayName = &req.DisplayName
	ch.Patch.InvitationPending = directory.Ptr(false)
	ch.Patch.InvitationExpiry = &time.Time{}
	if req.JWTSubject != "" {
		ch.Patch.ExternalID = &req.JWTSubject
	}
	if req.UserName != u.Username {
		ch.Rename = &req.UserName
	}
	if req.Password != "" {
		ch.Password = &req.Password
	}
	ch.Enabled, ch.Unlock = directory.Ptr(true), true
	caller := d.selfCaller(c, "invitation of "+u.Username, u, identity.OpUserRead, identity.OpUserUpdate,
		identity.OpUserRename, identity.OpPasswordSet, identity.OpUserEnable, identity.OpUserUnlock)
	accepted, err := d.domain.ModifyUser(c.Request().Context(), caller, directory.ByID(u.ID), ch)
	if err != nil {
		return coreError(err, userNamed(req.UserName))
	}
	return c.JSON(http.StatusOK, userFields.render(accepted))
}
