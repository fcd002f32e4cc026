package openapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// targetGroup reads the group of the path.
func (d *Dialect) targetGroup(c echo.Context) (*directory.Group, error) {
	id := c.Param("groupId")
	g, err := d.domain.GetGroup(c.Request().Context(), sessionOf(c).caller, directory.ByID(id))
	if err != nil {
		return nil, lookupError(err, groupSubject(id))
	}
	return g, nil
}

// listGroups answers GET /groups.
func (d *Dialect) listGroups(c echo.Context) error {
	return listEntities(c, groups, d.domain.SearchGroups)
}

// getGroup answers GET /groups/{groupId}.
func (d *Dialect) getGroup(c echo.Context) error { return getEntity(c, groups, d.targetGroup) }

// readGroupDefinition reads a whole group definition (POST and PUT): what
// the body leaves out is cleared.
func readGroupDefinition(c echo.Context) (draft, error) {
	_, body, err := readObject(c)
	if err != nil {
		return nil, err
	}
	def := newGroupDraft()
	if err := groupSchema.applyObject(def, body); err != nil {
		return nil, err
	}
	if err := groupSchema.requireAll(def); err != nil {
		return nil, err
	}
	return def, nil
}

// createGroup answers POST /groups.
func (d *Dialect) createGroup(c echo.Context) error {
	draft, err := readGroupDefinition(c)
	if err != nil {
		return err
	}
	in := directory.NewGroup{Name: draft.text("name"), ExternalID: draft.text("externalId"), System: draft.flag("system")}
	g, err := d.domain.CreateGroup(c.Request().Context(), sessionOf(c).caller, in)
	switch {
	case errors.Is(err, directory.ErrNotFound):
		return &apiError{status: http.StatusPreconditionFailed, cause: err,
			message: fmt.Sprintf("the groups container %s does not exist", d.domain.Config().GroupsDN)}
	case err != nil:
		return coreError(err, groupNamed(in.Name))
	}
	c.Response().Header().Set(echo.HeaderLocation, c.Request().URL.Path+"/"+g.ID)
	return c.JSON(http.StatusCreated, groupFields.render(g))
}

// replaceGroup answers PUT /groups/{groupId}: the body is the whole new
// definition; optional members it leaves out are cleared.
func (d *Dialect) replaceGroup(c echo.Context) error {
	after, err := readGroupDefinition(c)
	if err != nil {
		return err
	}
	g, err := d.targetGroup(c)
	if err != nil {
		return err
	}
	return d.finishGroupEdit(c, g, groupDraft(g), after)
}

// patchGroup answers PATCH /groups/{groupId} with a JSON Patch document.
func (d *Dialect) patchGroup(c echo.Context) error {
	ops, err := readPatch(c)
	if err != nil {
		return err
	}
	g, err := d.targetGroup(c)
	if err != nil {
		return err
	}
	before := groupDraft(g)
	after, err := groupSchema.applyPatch(before, ops)
	if err != nil {
		return err
	}
	return d.finishGroupEdit(c, g, before, after)
}

func (d *Dialect) finishGroupEdit(c echo.Context, g *directory.Group, before, after draft) error {
	edit := groupEditOf(before, after)
	if edit.empty() {
		return c.JSON(http.StatusOK, groupFields.render(g))
	}
	updated, err := d.applyGroupEdit(c.Request().Context(), sessionOf(c).caller, g, edit, groupEditOf(after, before))
	if err != nil {
		subject := groupSubject(g.ID)
		if edit.rename != nil && errors.Is(err, directory.ErrAlreadyExists) {
			subject = groupNamed(*edit.rename)
		}
		return coreError(err, subject)
	}
	return c.JSON(http.StatusOK, groupFields.render(updated))
}

// applyGroupEdit applies the fields, then the rename; a rename that fails
// puts the fields back, so the group is changed whole or not at all. A
// name taken by another group is refused before anything is written.
func (d *Dialect) applyGroupEdit(ctx context.Context, caller identity.Caller, g *directory.Group, e, undo groupEdit) (*directory.Group, error) {
	ref := directory.ByID(g.ID)
	if e.rename != nil {
		other, err := d.domain.GetGroup(ctx, caller, directory.ByName(*e.rename))
		switch {
		case err == nil && other.ID != g.ID:
			return nil, fmt.Errorf("%w: group name %q", directory.ErrAlreadyExists, *e.rename)
		case err != nil && !errors.Is(err, directory.ErrNotFound):
			return nil, err
		}
	}
	updated := g
	if !e.patch.IsEmpty() {
		var err error
		if updated, err = d.domain.UpdateGroup(ctx, caller, ref, e.patch); err != nil {
			return nil, err
		}
	}
	if e.rename == nil {
		return updated, nil
	}
	renamed, err := d.domain.RenameGroup(ctx, caller, ref, *e.rename)
	if err != nil {
		if !e.patch.IsEmpty() {
			if _, uerr := d.domain.UpdateGroup(context.WithoutCancel(ctx), caller, ref, undo.patch); uerr != nil {
				d.log.Error("undoing a partly applied group change failed; the entry needs attention",
					"group", g.DN, "request_id", caller.RequestID, "error", uerr)
			}
		}
		return nil, err
	}
	return renamed, nil
}

// deleteGroup answers DELETE /groups/{groupId}. System groups are refused:
// clear system first to delete one on purpose.
func (d *Dialect) deleteGroup(c echo.Context) error {
	g, err := d.targetGroup(c)
	if err != nil {
		return err
	}
	if g.System {
		return preconditionFailed("group %q is a system group; set system to false before deleting it", g.Name)
	}
	if err := d.domain.DeleteGroup(c.Request().Context(), sessionOf(c).caller, directory.ByID(g.ID)); err != nil {
		return lookupError(err, groupSubject(g.ID))
	}
	return c.NoContent(http.StatusNoContent)
}
