package privacyidea

import (
	"errors"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
)

// handleDelete is DELETE /user/<resolver>/<username>: an admin deletes a
// user of an editable resolver; the value is true, also when no such user
// is there.
func (d *Dialect) handleDelete(c echo.Context) error {
	s, err := d.authenticate(c)
	if err != nil {
		return d.answer(c, actionDeleteUser, nil, err)
	}
	if !s.admin() {
		return d.env.fail(c, errAdminOnly)
	}
	g, apiErr := d.adminGrant(s, actionDeleteUser)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	resolverName, username, ok := deletePath(c)
	if !ok {
		return d.env.fail(c, parameterError("The path must be /user/<resolver>/<username>, percent-encoded."))
	}
	res, apiErr := d.editableResolver(resolverName)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	caller := d.caller(c, s, d.topo.adminScope(g, actionDeleteUser, res))
	u, err := res.find(ctx(c), caller, username)
	if err == nil {
		err = res.domain.DeleteUser(ctx(c), caller, directory.ByID(u.ID))
	}
	if errors.Is(err, directory.ErrNotFound) {
		// The original's LDAP resolver deletes the empty DN of a user it
		// cannot find, ldap3 reports that without raising, and
		// delete_user answers true: there is nothing left to delete.
		return d.env.ok(c, true)
	}
	return d.answer(c, actionDeleteUser, true, err)
}

// deletePath reads the resolver and username from the escaped path. The
// router's parameters are decoded or not depending on how the client
// encoded the path, so the last two segments are decoded here, once:
// "w%C3%B6rdy" is "wördy", and "a%2Fb" is a username with a slash.
func deletePath(c echo.Context) (resolverName, username string, ok bool) {
	segments := strings.Split(c.Request().URL.EscapedPath(), "/")
	if len(segments) < 2 {
		return "", "", false
	}
	res, err1 := url.PathUnescape(segments[len(segments)-2])
	user, err2 := url.PathUnescape(segments[len(segments)-1])
	if err1 != nil || err2 != nil || res == "" || user == "" {
		return "", "", false
	}
	return res, user, true
}
