package privacyidea

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// handleUpdate is PUT /user. An admin edits any user of an editable
// resolver, found by "userid" when given (then "user" is its new name) or
// else by "user". A user token always edits itself, whatever "user" and
// "resolver" say. The value is true, or false when the user is unknown.
func (d *Dialect) handleUpdate(c echo.Context) error {
	s, err := d.authenticate(c)
	if err != nil {
		return d.answer(c, actionUpdateUser, nil, err)
	}
	var g grant
	var apiErr *apiError
	if s.admin() {
		if g, apiErr = d.adminGrant(s, actionUpdateUser); apiErr != nil {
			return d.env.fail(c, apiErr)
		}
	}
	p, apiErr := readParams(c)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	target, apiErr := d.updateTarget(s, p)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	values, apiErr := target.res.assignments(p)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	password, apiErr := p.str("password")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}

	caller := d.caller(c, s, d.scope(s, g, actionUpdateUser, target.res))
	u := s.self
	if s.admin() {
		if target.userid != "" {
			u, err = target.res.findByUserID(ctx(c), caller, target.userid)
		} else {
			u, err = target.res.find(ctx(c), caller, target.username)
		}
		if errors.Is(err, directory.ErrNotFound) {
			return d.env.ok(c, false)
		}
		if err != nil {
			return d.answer(c, actionUpdateUser, nil, err)
		}
	}

	var change identity.UserChange
	for _, v := range values {
		v.attr.setPatch(&change.Patch, v.values)
	}
	if target.userid != "" && target.username != u.Username {
		change.Rename = &target.username
	}
	if password != "" {
		change.Password = &password
	}
	_, err = target.res.domain.ModifyUser(ctx(c), caller, directory.ByID(u.ID), change)
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return d.env.ok(c, false) // deleted meanwhile
	case errors.Is(err, directory.ErrAlreadyExists):
		return d.env.fail(c, writeError("The user '%s' already exists.", target.username))
	case err != nil:
		return d.answer(c, actionUpdateUser, nil, err)
	}
	return d.env.ok(c, true)
}

// updateTarget is the user a PUT names.
type updateTarget struct {
	res      *resolver
	username string
	userid   string
}

func (d *Dialect) updateTarget(s *session, p params) (updateTarget, *apiError) {
	if !s.admin() {
		if !s.res.editable {
			return updateTarget{}, notEditable(s.res.name)
		}
		return updateTarget{res: s.res, username: s.self.Username}, nil
	}
	username, apiErr := p.required("user")
	if apiErr != nil {
		return updateTarget{}, apiErr
	}
	resolverName, apiErr := p.required("resolver")
	if apiErr != nil {
		return updateTarget{}, apiErr
	}
	res, apiErr := d.editableResolver(resolverName)
	if apiErr != nil {
		return updateTarget{}, apiErr
	}
	userid, apiErr := p.str("userid")
	if apiErr != nil {
		return updateTarget{}, apiErr
	}
	return updateTarget{res: res, username: username, userid: userid}, nil
}
