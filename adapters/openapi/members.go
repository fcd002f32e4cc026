package openapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// memberOp is one entry of PATCH /groups/{groupId}/members.
type memberOp struct {
	Op            string `json:"op"`
	ID            string `json:"id"`
	Name          string `json:"name"`
	PrincipalType string `json:"principalType"`
}

// memberChange is a checked operation that changes the group.
type memberChange struct {
	add       bool
	principal foundPrincipal
}

// changeMembers answers PATCH /groups/{groupId}/members. Every operation
// is checked (principals found, removals of members only) before the first
// is applied; operations that change nothing (adding a member) are
// skipped; if one fails, those already applied are undone.
func (d *Dialect) changeMembers(c echo.Context) error {
	var ops []memberOp
	if err := decodeBody(c, &ops); err != nil {
		return err
	}
	if ops == nil {
		return badRequest("the body must be an array of {op, id or name, principalType}")
	}
	g, err := d.targetGroup(c)
	if err != nil {
		return err
	}
	ctx, caller := c.Request().Context(), sessionOf(c).caller
	current, err := d.domain.Members(ctx, caller, directory.ByID(g.ID), false)
	if err != nil {
		return coreError(err, groupSubject(g.ID))
	}
	members := make(map[string]bool, len(current))
	for _, m := range current {
		members[m.ID] = true
	}
	changes, err := d.checkMemberOps(c, g, ops, members)
	if err != nil {
		return err
	}
	if err := d.applyMemberChanges(ctx, caller, g, changes); err != nil {
		return coreError(err, groupSubject(g.ID))
	}
	return c.JSON(http.StatusOK, msgBody{Msg: fmt.Sprintf("membership of group %q updated: %d change(s)", g.Name, len(changes))})
}

// checkMemberOps resolves every operation against the members the group
// will have at that point of the list.
func (d *Dialect) checkMemberOps(c echo.Context, g *directory.Group, ops []memberOp, members map[string]bool) ([]memberChange, error) {
	var changes []memberChange
	for i, op := range ops {
		fail := func(err *apiError) error {
			err.message = fmt.Sprintf("operation %d: %s", i, err.message)
			return err
		}
		if op.Op != "add" && op.Op != "remove" {
			return nil, fail(badRequest("op must be add or remove, not %q", op.Op))
		}
		if op.PrincipalType != "" && op.PrincipalType != principalUser && op.PrincipalType != principalGroup {
			return nil, fail(badRequest("principalType must be User or Group, not %q", op.PrincipalType))
		}
		ref := directory.ByID(op.ID)
		if op.ID == "" {
			if op.Name == "" {
				return nil, fail(badRequest("id or name is required"))
			}
			ref = directory.ByName(op.Name)
		}
		p, err := d.findPrincipal(c, ref, op.PrincipalType)
		if err != nil {
			return nil, fail(coreError(err, ""))
		}
		switch {
		case op.Op == "add" && p.id == g.ID:
			return nil, fail(badRequest("a group cannot be a member of itself"))
		case op.Op == "add" && members[p.id]:
			continue
		case op.Op == "remove" && !members[p.id]:
			return nil, fail(notFound("%q is not a direct member of group %q", p.name, g.Name))
		}
		members[p.id] = op.Op == "add"
		changes = append(changes, memberChange{add: op.Op == "add", principal: p})
	}
	return changes, nil
}

// applyMemberChanges applies the changes in order; when one fails, those
// applied are undone in reverse, on a context the client cannot cancel.
func (d *Dialect) applyMemberChanges(ctx context.Context, caller identity.Caller, g *directory.Group, changes []memberChange) error {
	group := directory.ByID(g.ID)
	apply := func(ctx context.Context, ch memberChange, add bool) error {
		if add {
			return d.domain.AddMember(ctx, caller, group, ch.principal.ref)
		}
		return d.domain.RemoveMember(ctx, caller, group, ch.principal.ref)
	}
	for i, ch := range changes {
		if err := apply(ctx, ch, ch.add); err != nil {
			undo := context.WithoutCancel(ctx)
			for j := i - 1; j >= 0; j-- {
				if uerr := apply(undo, changes[j], !changes[j].add); uerr != nil {
					d.log.Error("undoing a partly applied membership change failed; the group needs attention",
						"group", g.DN, "request_id", caller.RequestID, "error", uerr)
				}
			}
			return err
		}
	}
	return nil
}
