package scim

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

func userSubject(id string) string { return `User "` + id + `"` }

// getUser is GET /Users/{id}; If-None-Match naming the current version is
// 304 Not Modified.
func (d *Dialect) getUser(c echo.Context) error {
	r := newRequest(c)
	id := c.Param("id")
	u, err := d.domain.GetUser(r.ctx, r.caller, directory.ByID(id))
	if err != nil {
		return fromCore(err, userSubject(id))
	}
	if notModified(c, userVersion(u)) {
		return c.NoContent(http.StatusNotModified)
	}
	return d.writeUser(r, http.StatusOK, u, queryProjection(c, urnUser))
}

// writeUser answers one user, with its ETag.
func (d *Dialect) writeUser(r *request, status int, u *directory.User, proj projection) error {
	res, err := d.renderUser(r.ctx, r, u, userView{base: r.base, withGroups: proj.wants("groups", true)})
	if err != nil {
		return fromCore(err, userSubject(u.ID))
	}
	return writeResource(r, status, res, res.Meta, proj)
}

// userCompiler compiles filters over Users for one request.
func (d *Dialect) userCompiler(r *request) *compiler {
	return &compiler{core: urnUser, resolve: d.schema.resolve, lookupManager: func(id string) (string, error) {
		u, err := d.domain.GetUser(r.ctx, r.caller, directory.ByID(id))
		switch {
		case err == nil:
			return u.DN, nil
		case errors.Is(err, directory.ErrNotFound), errors.Is(err, identity.ErrForbidden):
			return "", nil
		}
		return "", err
	}}
}

// queryUsers answers a list: one directory search, whatever the filter.
func (d *Dialect) queryUsers(r *request, p listParams) error {
	cl, err := d.compileList(p, d.userCompiler(r), directory.FieldUsername)
	if err != nil {
		return err
	}
	resp := listResponse{Schemas: []string{urnListResponse}, StartIndex: p.startIndex, Resources: []any{}}
	if cl.none {
		return writeJSON(r.c, http.StatusOK, resp)
	}
	var page directory.Page[directory.User]
	if name, ok := userNameLookup(cl.query.Filter); ok {
		page, err = d.lookupByName(r, name, cl.query.Offset)
	} else {
		page, err = d.domain.SearchUsers(r.ctx, r.caller, cl.query)
	}
	if err != nil {
		return searchError(err)
	}
	resp.TotalResults = page.Total
	if cl.countOnly {
		return writeJSON(r.c, http.StatusOK, resp)
	}
	proj := newProjection(p.attrs, p.excluded, urnUser)
	view := userView{base: r.base, withGroups: proj.wants("groups", true)}
	return d.writeUserPage(r, resp, page.Items, view, proj)
}

// parentFor is where a token creates entries: the domain's container
// (empty: the core's default) unless the token is limited to subtrees
// that do not hold it, then the first of those.
func parentFor(c identity.Caller, def string) string {
	if len(c.Scope.Subtrees) == 0 {
		return ""
	}
	for _, sub := range c.Scope.Subtrees {
		if directory.IsUnder(def, sub) {
			return ""
		}
	}
	return c.Scope.Subtrees[0]
}

// createUser is POST /Users: 201 with the resource, 409 uniqueness when
// the userName is taken.
func (d *Dialect) createUser(c echo.Context) error {
	r := newRequest(c)
	doc, err := readDocument(c, urnUser)
	if err != nil {
		return err
	}
	in, err := readUser(doc)
	if err != nil {
		return err
	}
	nu, err := d.newUser(r.ctx, r.caller, in)
	if err != nil {
		return err
	}
	nu.ParentDN = parentFor(r.caller, d.domain.Config().UsersDN)
	u, err := d.domain.CreateUser(r.ctx, r.caller, nu)
	if err != nil {
		return fromCore(err, `User "`+in.userName+`"`)
	}
	return d.writeUser(r, http.StatusCreated, u, projection{})
}

// current reads the user a write names and checks If-Match and
// If-None-Match against it.
func (d *Dialect) currentUser(r *request) (*directory.User, error) {
	id := r.c.Param("id")
	u, err := d.domain.GetUser(r.ctx, r.caller, directory.ByID(id))
	if err != nil {
		return nil, fromCore(err, userSubject(id))
	}
	if err := checkPreconditions(r, userVersion(u)); err != nil {
		return nil, err
	}
	return u, nil
}

// replaceUser is PUT /Users/{id}: the body replaces every writable
// attribute.
func (d *Dialect) replaceUser(c echo.Context) error {
	r := newRequest(c)
	orig, err := d.currentUser(r)
	if err != nil {
		return err
	}
	doc, err := readDocument(c, urnUser)
	if err != nil {
		return err
	}
	if id, ok := doc["id"].(string); ok && id != orig.ID {
		return badRequest(typeMutability, "id is immutable: the body names %q", id)
	}
	return d.writeBack(r, orig, doc, false)
}

// patchUser is PATCH /Users/{id}: the operations are applied to the
// resource as read, and the result is written back as a PUT would be, so
// every operation applies or none does.
func (d *Dialect) patchUser(c echo.Context) error {
	r := newRequest(c)
	orig, err := d.currentUser(r)
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	ops, err := readPatch(body, urnUser)
	if err != nil {
		return err
	}
	res, err := d.renderUser(r.ctx, r, orig, userView{base: r.base})
	if err != nil {
		return fromCore(err, userSubject(orig.ID))
	}
	doc, err := toDocument(res, urnUser)
	if err != nil {
		return err
	}
	if err := applyPatch(doc, ops); err != nil {
		return err
	}
	if id, _ := doc["id"].(string); id != orig.ID {
		return badRequest(typeMutability, "id is immutable")
	}
	hidden := first(orig.Attributes, d.schema.manager) != "" && (res.Enterprise == nil || res.Enterprise.Manager == nil)
	return d.writeBack(r, orig, doc, hidden && !namesManager(ops))
}

// namesManager reports whether a patch touches the manager.
func namesManager(ops []operation) bool {
	for _, op := range ops {
		if strings.Contains(strings.ToLower(op.raw), "manager") {
			return true
		}
		if v, ok := op.value.(document); ok && op.path == nil {
			if ext, ok := v[enterpriseKey].(document); ok {
				if _, ok := ext["manager"]; ok {
					return true
				}
			}
		}
	}
	return false
}

// writeBack applies a whole User document to orig in one core change.
func (d *Dialect) writeBack(r *request, orig *directory.User, doc document, keepManager bool) error {
	in, err := readUser(doc)
	if err != nil {
		return err
	}
	in.keepManager = keepManager
	ch, err := d.change(r.ctx, r.caller, orig, in)
	if err != nil {
		return err
	}
	u, err := d.modify(r.ctx, r.caller, orig, ch)
	if err != nil {
		return fromCore(err, userSubject(orig.ID))
	}
	return d.writeUser(r, http.StatusOK, u, projection{})
}

func (d *Dialect) modify(ctx context.Context, c identity.Caller, orig *directory.User, ch identity.UserChange) (*directory.User, error) {
	if ch.Patch.IsEmpty() && ch.Rename == nil && ch.Enabled == nil && ch.Password == nil {
		return orig, nil // nothing changes: no write, no audit line
	}
	return d.domain.ModifyUser(ctx, c, directory.ByID(orig.ID), ch)
}

// deleteUser is DELETE /Users/{id}: 204.
func (d *Dialect) deleteUser(c echo.Context) error {
	r := newRequest(c)
	id := c.Param("id")
	if conditional(c) {
		if _, err := d.currentUser(r); err != nil {
			return err
		}
	}
	if err := d.domain.DeleteUser(r.ctx, r.caller, directory.ByID(id)); err != nil {
		return fromCore(err, userSubject(id))
	}
	return c.NoContent(http.StatusNoContent)
}

// userNameLookup recognises a filter that names one user by userName
// (Entra ID's and Okta's lookup before every create): usernames are
// unique, so its answer is that user or none.
func userNameLookup(f directory.Filter) (string, bool) {
	c, ok := f.(directory.Cond)
	if !ok || c.Field != directory.FieldUsername || c.Op != directory.OpEq || len(c.Values) != 1 {
		return "", false
	}
	return c.Values[0], true
}

// lookupByName answers such a filter with the core's lookup by name, the
// same entry a search would find (or none, also for a user outside the
// token's subtrees), without the search's paging and count: the one
// result needs neither.
func (d *Dialect) lookupByName(r *request, name string, offset int) (directory.Page[directory.User], error) {
	u, err := d.domain.GetUser(r.ctx, r.caller, directory.ByName(name))
	switch {
	case errors.Is(err, directory.ErrNotFound), errors.Is(err, identity.ErrForbidden):
		return directory.Page[directory.User]{}, nil
	case err != nil:
		return directory.Page[directory.User]{}, err
	}
	page := directory.Page[directory.User]{Total: 1}
	if offset == 0 {
		page.Items = []directory.User{*u}
	}
	return page, nil
}
