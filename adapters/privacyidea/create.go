package privacyidea

import (
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
)

// handleCreate is POST /user: an admin creates a user in an editable
// resolver; the value is the new user's userid.
func (d *Dialect) handleCreate(c echo.Context) error {
	s, err := d.authenticate(c)
	if err != nil {
		return d.answer(c, actionAddUser, nil, err)
	}
	if !s.admin() {
		return d.env.fail(c, errAdminOnly)
	}
	g, apiErr := d.adminGrant(s, actionAddUser)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	p, apiErr := readParams(c)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	username, apiErr := p.required("user")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	resolverName, apiErr := p.required("resolver")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	res, apiErr := d.editableResolver(resolverName)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	values, apiErr := res.assignments(p)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	password, apiErr := p.str("password")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}

	in := directory.NewUser{ParentDN: res.subtree, Username: username, Password: password}
	for _, v := range values {
		v.attr.setNew(&in, v.values)
	}
	caller := d.caller(c, s, d.topo.adminScope(g, actionAddUser, res))
	u, err := res.domain.CreateUser(ctx(c), caller, in)
	if errors.Is(err, directory.ErrAlreadyExists) {
		return d.env.fail(c, writeError("The user '%s' already exists.", username))
	}
	if err != nil {
		return d.answer(c, actionAddUser, nil, err)
	}
	return d.env.ok(c, res.uid.of(u))
}
