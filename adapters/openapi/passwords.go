package openapi

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// validationResponse answers the password validation endpoints with 200:
// Error holds what the password breaks, and is absent when it passes.
type validationResponse struct {
	Error string `json:"error,omitempty"`
}

// answerValidation turns the policy's verdict into the answer.
func answerValidation(c echo.Context, err error) error {
	var policy *identity.PolicyError
	switch {
	case err == nil:
		return c.JSON(http.StatusOK, validationResponse{})
	case errors.As(err, &policy):
		return c.JSON(http.StatusOK, validationResponse{Error: policy.Error()})
	}
	return err
}

// passwordBody is PasswordBody: password is required by the document, so
// a body without it is 400, not a verdict on the empty password.
type passwordBody struct {
	Password *string `json:"password"`
}

// errPasswordRequired answers a validation body without its password.
var errPasswordRequired = badRequest("password is required")

// validateUserPassword answers POST /users/{userId}/password/validate and
// POST /users/me/password/validate.
func (d *Dialect) validateUserPassword(c echo.Context) error {
	var req passwordBody
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Password == nil {
		return errPasswordRequired
	}
	u, err := d.targetUser(c)
	if err != nil {
		return err
	}
	return answerValidation(c, d.domain.ValidatePasswordFor(u, *req.Password))
}

// newPasswordCheck is PasswordCheck, whose password is required.
type newPasswordCheck struct {
	Password    *string `json:"password"`
	Username    string  `json:"username"`
	DisplayName string  `json:"displayName"`
	Email       string  `json:"email"`
}

// validateNewPassword answers POST /password/validate: a password for a
// user not created yet, checked against the policy alone (no directory
// access, so no token is needed).
func (d *Dialect) validateNewPassword(c echo.Context) error {
	var req newPasswordCheck
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Password == nil {
		return errPasswordRequired
	}
	return answerValidation(c, d.domain.ValidatePassword(*req.Password, req.Username, req.DisplayName, req.Email))
}

type setPasswordRequest struct {
	Password   string `json:"password"`
	MustChange bool   `json:"mustChange"`
}

// setPassword answers PUT /users/{userId}/password: an administrator sets
// the password, optionally forcing a change at next logon.
func (d *Dialect) setPassword(c echo.Context) error {
	var req setPasswordRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Password == "" {
		return badRequest("password is required")
	}
	ref, subject := userRef(c)
	if err := d.domain.SetPassword(c.Request().Context(), sessionOf(c).caller, ref, req.Password, req.MustChange); err != nil {
		return lookupError(err, subject)
	}
	return c.JSON(http.StatusOK, msgBody{Msg: "password set"})
}

type changeOwnPasswordRequest struct {
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// changeOwnPassword answers PUT /users/me/password. A wrong current
// password is 403, not 401: the token is fine, so clients must not log the
// user out.
func (d *Dialect) changeOwnPassword(c echo.Context) error {
	var req changeOwnPasswordRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.CurrentPassword == "" || req.NewPassword == "" {
		return badRequest("currentPassword and newPassword are required")
	}
	s := sessionOf(c)
	err := d.domain.ChangePassword(c.Request().Context(), s.caller, directory.ByID(s.user.ID), req.CurrentPassword, req.NewPassword)
	switch {
	case errors.Is(err, directory.ErrInvalidCredentials):
		return &apiError{status: http.StatusForbidden, message: "the current password is incorrect", cause: err}
	case err != nil:
		return coreError(err, "your account")
	}
	return c.JSON(http.StatusOK, msgBody{Msg: "password changed"})
}

type changeExpiredPasswordRequest struct {
	Username        string `json:"username"`
	CurrentPassword string `json:"currentPassword"`
	NewPassword     string `json:"newPassword"`
}

// changeExpiredPassword answers POST /password/change: without a token
// (a user who must change the password cannot get one), the current
// password proves who is asking; the core call may touch that user's own
// password and nothing else.
func (d *Dialect) changeExpiredPassword(c echo.Context) error {
	var req changeExpiredPasswordRequest
	if err := decodeBody(c, &req); err != nil {
		return err
	}
	if req.Username == "" || req.CurrentPassword == "" || req.NewPassword == "" {
		return badRequest("username, currentPassword and newPassword are required")
	}
	ctx := c.Request().Context()
	lookup := d.lookupCaller(c, req.Username)
	u, err := d.domain.GetUser(ctx, lookup, directory.ByName(req.Username))
	if errors.Is(err, directory.ErrNotFound) {
		// Answered as a wrong current password would be, and no sooner:
		// the new password meets the policy or not first, as for a user
		// who exists, then the core counts the failure against the name
		// and spends what a wrong password costs.
		if err := d.domain.ValidatePassword(req.NewPassword, req.Username); err != nil {
			return coreError(err, "")
		}
		return coreError(d.domain.RefuseLogon(ctx, lookup, req.Username, req.CurrentPassword), "")
	}
	if err != nil {
		return coreError(err, "")
	}
	caller := d.selfCaller(c, req.Username, u, identity.OpPasswordChange)
	if err := d.domain.ChangePassword(ctx, caller, directory.ByID(u.ID), req.CurrentPassword, req.NewPassword); err != nil {
		return coreError(err, "")
	}
	return c.JSON(http.StatusOK, msgBody{Msg: "password changed"})
}
