package openapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// userRef is the user a /users/{userId}… or /users/me… request acts on,
// and how error messages name it.
func userRef(c echo.Context) (directory.Ref, string) {
	if id := c.Param("userId"); id != "" {
		return directory.ByID(id), userSubject(id)
	}
	return directory.ByID(sessionOf(c).user.ID), "your account"
}

// targetUser reads the user the request acts on; /users/me… uses the user
// the token was checked against.
func (d *Dialect) targetUser(c echo.Context) (*directory.User, error) {
	s := sessionOf(c)
	id := c.Param("userId")
	if id == "" {
		return s.user, nil
	}
	u, err := d.domain.GetUser(c.Request().Context(), s.caller, directory.ByID(id))
	if err != nil {
		return nil, lookupError(err, userSubject(id))
	}
	return u, nil
}

// lookupError maps the failure of finding an entry by the id in the path:
// an id the directory cannot even parse names nothing, like an unknown one.
// The core's own validation errors keep their message.
func lookupError(err error, subject string) error {
	var validation *identity.ValidationError
	if errors.Is(err, directory.ErrInvalidInput) && !errors.As(err, &validation) {
		return &apiError{status: http.StatusNotFound, message: subject + " not found", cause: err}
	}
	return coreError(err, subject)
}

// getUser answers GET /users/{userId} and GET /users/me.
func (d *Dialect) getUser(c echo.Context) error { return getEntity(c, users, d.targetUser) }

// listUsers answers GET /users.
func (d *Dialect) listUsers(c echo.Context) error {
	return listEntities(c, users, d.domain.SearchUsers)
}

// createUser answers POST /users: the entity plus password (required) and
// mustChange.
func (d *Dialect) createUser(c echo.Context) error {
	raw, body, err := readObject(c)
	if err != nil {
		return err
	}
	draft := newUserDraft()
	if err := userSchema.applyObject(draft, body, "password", "mustChange"); err != nil {
		return err
	}
	if err := userSchema.requireAll(draft); err != nil {
		return err
	}
	var secret struct {
		Password   string `json:"password"`
		MustChange bool   `json:"mustChange"`
	}
	if err := json.Unmarshal(raw, &secret); err != nil {
		return jsonError(err)
	}
	if secret.Password == "" {
		return badRequest("password is required")
	}
	in := newUserOf(draft, "")
	in.Password, in.MustChangePassword = secret.Password, secret.MustChange
	u, err := d.domain.CreateUser(c.Request().Context(), sessionOf(c).caller, in)
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return &apiError{status: http.StatusPreconditionFailed, cause: err,
			message: fmt.Sprintf("the users container %s does not exist", d.domain.Config().UsersDN)}
	case err != nil:
		return coreError(err, userNamed(in.Username))
	}
	c.Response().Header().Set(echo.HeaderLocation, c.Request().URL.Path+"/"+u.ID)
	return c.JSON(http.StatusCreated, userFields.render(u))
}

// updateUser answers PUT /users/{userId}: the members in the body are set
// (null or "" removes an optional one), the others stay; read-only members
// are ignored, so what a GET returned can be sent back.
func (d *Dialect) updateUser(c echo.Context) error {
	_, body, err := readObject(c)
	if err != nil {
		return err
	}
	u, err := d.targetUser(c)
	if err != nil {
		return err
	}
	before := userDraft(u)
	after := before.clone()
	if err := userSchema.applyObject(after, body); err != nil {
		return err
	}
	return d.finishUserEdit(c, u, before, after)
}

// patchUser answers PATCH /users/{userId} with a JSON Patch document.
func (d *Dialect) patchUser(c echo.Context) error {
	ops, err := readPatch(c)
	if err != nil {
		return err
	}
	u, err := d.targetUser(c)
	if err != nil {
		return err
	}
	before := userDraft(u)
	after, err := userSchema.applyPatch(before, ops)
	if err != nil {
		return err
	}
	return d.finishUserEdit(c, u, before, after)
}

// finishUserEdit applies the difference between two drafts and answers
// with the user as it is afterwards.
func (d *Dialect) finishUserEdit(c echo.Context, u *directory.User, before, after draft) error {
	change := userChangeOf(before, after)
	if change.IsEmpty() {
		return c.JSON(http.StatusOK, userFields.render(u))
	}
	updated, err := d.domain.ModifyUser(c.Request().Context(), sessionOf(c).caller, directory.ByID(u.ID), change)
	if err != nil {
		subject := userSubject(u.ID)
		if change.Rename != nil && errors.Is(err, directory.ErrAlreadyExists) {
			subject = userNamed(*change.Rename)
		}
		return coreError(err, subject)
	}
	return c.JSON(http.StatusOK, userFields.render(updated))
}

// deleteUser answers DELETE /users/{userId}. System users are refused:
// clear system first to delete one on purpose.
func (d *Dialect) deleteUser(c echo.Context) error {
	u, err := d.targetUser(c)
	if err != nil {
		return err
	}
	if u.System {
		return preconditionFailed("user %q is a system user; set system to false before deleting it", u.Username)
	}
	if err := d.domain.DeleteUser(c.Request().Context(), sessionOf(c).caller, directory.ByID(u.ID)); err != nil {
		return lookupError(err, userSubject(u.ID))
	}
	return c.NoContent(http.StatusNoContent)
}

// osUserResponse is a user's operating-system identity.
type osUserResponse struct {
	UserName          string `json:"userName"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
	UnixHomeDirectory string `json:"unixHomeDirectory,omitempty"`
}

// osUser answers GET /users/{userId}/osUser.
func (d *Dialect) osUser(c echo.Context) error {
	u, err := d.targetUser(c)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, osUserResponse{UserName: u.Username, UserPrincipalName: u.UserPrincipalName, UnixHomeDirectory: u.HomeDirectory})
}

// clearLogonFailures answers DELETE /users/{userId}/logonFailures: the
// failure count and a temporary lock go; a disabled account stays
// disabled.
func (d *Dialect) clearLogonFailures(c echo.Context) error {
	ref, subject := userRef(c)
	if err := d.domain.Unlock(c.Request().Context(), sessionOf(c).caller, ref); err != nil {
		return lookupError(err, subject)
	}
	return c.NoContent(http.StatusNoContent)
}
