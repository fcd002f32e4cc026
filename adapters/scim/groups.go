package scim

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	filter "github.com/scim2/filter-parser/v2"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

func groupSubject(id string) string { return `Group "` + id + `"` }

func (d *Dialect) getGroup(c echo.Context) error {
	r := newRequest(c)
	id := c.Param("id")
	g, err := d.domain.GetGroup(r.ctx, r.caller, directory.ByID(id))
	if err != nil {
		return fromCore(err, groupSubject(id))
	}
	if notModified(c, groupVersion(g)) {
		return c.NoContent(http.StatusNotModified)
	}
	return d.writeGroup(r, http.StatusOK, g, queryProjection(c, urnGroup))
}

func (d *Dialect) writeGroup(r *request, status int, g *directory.Group, proj projection) error {
	res, err := d.renderGroup(r.ctx, r, g, proj.wants("members", false))
	if err != nil {
		return fromCore(err, groupSubject(g.ID))
	}
	return writeResource(r, status, res, res.Meta, proj)
}

func (d *Dialect) queryGroups(r *request, p listParams) error {
	comp := &compiler{core: urnGroup, resolve: resolveGroup, lookupGroups: func(id string) ([]string, error) {
		return d.directGroups(r, id)
	}}
	cl, err := d.compileList(p, comp, directory.FieldName)
	if err != nil {
		return err
	}
	resp := listResponse{Schemas: []string{urnListResponse}, StartIndex: p.startIndex, Resources: []any{}}
	if cl.none {
		return writeJSON(r.c, http.StatusOK, resp)
	}
	page, err := d.domain.SearchGroups(r.ctx, r.caller, cl.query)
	if err != nil {
		return searchError(err)
	}
	resp.TotalResults = page.Total
	if cl.countOnly {
		return writeJSON(r.c, http.StatusOK, resp)
	}
	proj := newProjection(p.attrs, p.excluded, urnGroup)
	withMembers := proj.wants("members", false)
	for i := range page.Items {
		res, err := d.renderGroup(r.ctx, r, &page.Items[i], withMembers)
		if err != nil {
			return fromCore(err, groupSubject(page.Items[i].ID))
		}
		out, err := proj.apply(res)
		if err != nil {
			return err
		}
		resp.Resources = append(resp.Resources, out)
	}
	resp.ItemsPerPage = len(resp.Resources)
	return writeJSON(r.c, http.StatusOK, resp)
}

// createGroup is POST /Groups: the group and its members in one change.
func (d *Dialect) createGroup(c echo.Context) error {
	r := newRequest(c)
	in, err := readWholeGroup(c)
	if err != nil {
		return err
	}
	members, err := d.principals(r.ctx, r.caller, in.members)
	if err != nil {
		return fromCore(err, "member")
	}
	g, err := d.domain.CreateGroup(r.ctx, r.caller, directory.NewGroup{
		ParentDN: parentFor(r.caller, d.domain.Config().GroupsDN), Name: in.displayName,
		ExternalID: in.externalID, Members: members,
	})
	if err != nil {
		return fromCore(err, `Group "`+in.displayName+`"`)
	}
	return d.writeGroup(r, http.StatusCreated, g, projection{})
}

// readWholeGroup reads the body of a POST or PUT: a whole Group, which
// must have a displayName.
func readWholeGroup(c echo.Context) (groupInput, error) {
	doc, err := readDocument(c, urnGroup)
	if err != nil {
		return groupInput{}, err
	}
	in, err := readGroup(doc)
	if err != nil {
		return groupInput{}, err
	}
	if in.displayName == "" {
		return groupInput{}, badRequest(typeInvalidValue, "displayName is required")
	}
	return in, nil
}

func (d *Dialect) currentGroup(r *request) (*directory.Group, error) {
	id := r.c.Param("id")
	g, err := d.domain.GetGroup(r.ctx, r.caller, directory.ByID(id))
	if err != nil {
		return nil, fromCore(err, groupSubject(id))
	}
	if err := checkPreconditions(r, groupVersion(g)); err != nil {
		return nil, err
	}
	return g, nil
}

// groupPlan is a group change, checked whole before its first step runs.
type groupPlan struct {
	rename     *string
	externalID *string
	steps      []func() error
}

// replaceGroup is PUT /Groups/{id}: name, externalId and, when the body
// has members, the member list as given. Setting a list needs the current one, so PUT reads the
// members; PATCH adds and removes without reading them.
func (d *Dialect) replaceGroup(c echo.Context) error {
	r := newRequest(c)
	g, err := d.currentGroup(r)
	if err != nil {
		return err
	}
	in, err := readWholeGroup(c)
	if err != nil {
		return err
	}
	plan := &groupPlan{}
	if in.displayName != g.Name {
		plan.rename = &in.displayName
	}
	if in.externalID != g.ExternalID {
		plan.externalID = &in.externalID
	}
	// A PUT without members leaves them: clearing a large group because a
	// client sent only its name would be a costly surprise.
	if in.hasMembers {
		if err := d.planSetMembers(r, g, plan, in.members); err != nil {
			return err
		}
	}
	g, err = d.runGroupPlan(r, g, plan)
	if err != nil {
		return err
	}
	return d.writeGroup(r, http.StatusOK, g, projection{})
}

// patchGroup is PATCH /Groups/{id}. A member add or remove is one core
// call per member, each one directory modification: the member list is
// never read and written back. 204, as Entra ID and Okta expect, unless
// the query asks for attributes.
func (d *Dialect) patchGroup(c echo.Context) error {
	r := newRequest(c)
	g, err := d.currentGroup(r)
	if err != nil {
		return err
	}
	body, err := readBody(c)
	if err != nil {
		return err
	}
	ops, err := readPatch(body, urnGroup)
	if err != nil {
		return err
	}
	plan := &groupPlan{}
	for _, op := range ops {
		if err := d.planGroupOp(r, g, plan, op); err != nil {
			return err
		}
	}
	g, err = d.runGroupPlan(r, g, plan)
	if err != nil {
		return err
	}
	q := c.QueryParams()
	if len(q["attributes"]) == 0 && len(q["excludedAttributes"]) == 0 {
		c.Response().Header().Set("ETag", groupVersion(g))
		return c.NoContent(http.StatusNoContent)
	}
	return d.writeGroup(r, http.StatusOK, g, queryProjection(c, urnGroup))
}

func (d *Dialect) planGroupOp(r *request, g *directory.Group, plan *groupPlan, op operation) error {
	if op.path == nil {
		in, err := readGroup(op.value.(document))
		if err != nil {
			return err
		}
		if in.displayName != "" {
			plan.rename = &in.displayName
		}
		if in.hasExternalID {
			plan.externalID = &in.externalID
		}
		if !in.hasMembers {
			return nil
		}
		if op.op == "replace" {
			return d.planSetMembers(r, g, plan, in.members)
		}
		return d.planMembers(r, g, plan, "add", in.members)
	}
	if len(op.keys) == 0 {
		return badRequest(typeInvalidPath, "%q names no attribute", op.raw)
	}
	switch op.keys[0] {
	case "displayname":
		s, ok := op.value.(string)
		if op.op == "remove" || !ok || strings.TrimSpace(s) == "" {
			return badRequest(typeMutability, "displayName is required: it can be replaced, not removed")
		}
		s = strings.TrimSpace(s)
		plan.rename = &s
	case "externalid":
		s := ""
		if op.op != "remove" {
			v, ok := op.value.(string)
			if !ok {
				return badRequest(typeInvalidValue, "externalId must be a string")
			}
			s = strings.TrimSpace(v)
		}
		plan.externalID = &s
	case "members":
		if len(op.keys) > 1 {
			return badRequest(typeInvalidPath, "%q: members are added and removed whole", op.raw)
		}
		if op.path.ValueExpression != nil {
			if op.op != "remove" || op.path.SubAttribute != nil {
				return badRequest(typeInvalidPath, "%q: a member filter is for remove", op.raw)
			}
			return d.planRemoveMatching(r, g, plan, op.path.ValueExpression)
		}
		els, err := elements(asListOrNil(op.value), "members")
		if err != nil {
			return err
		}
		switch {
		case op.op == "replace":
			return d.planSetMembers(r, g, plan, els)
		case op.op == "remove" && op.value == nil:
			return d.planSetMembers(r, g, plan, nil)
		}
		return d.planMembers(r, g, plan, op.op, els)
	default:
		return badRequest(typeInvalidPath, "%q is not an attribute of a Group that can be changed", op.raw)
	}
	return nil
}

func asListOrNil(v any) any {
	if v == nil {
		return nil
	}
	return asList(v)
}

// planMembers adds or removes the members listed, each one core call.
func (d *Dialect) planMembers(r *request, g *directory.Group, plan *groupPlan, op string, els []document) error {
	ps, err := d.principals(r.ctx, r.caller, els)
	if err != nil {
		return fromCore(err, "member")
	}
	for _, p := range ps {
		p := p
		if op == "add" {
			plan.steps = append(plan.steps, func() error { return d.domain.AddMember(r.ctx, r.caller, directory.ByID(g.ID), p) })
		} else {
			plan.steps = append(plan.steps, func() error { return d.removeMember(r, g, p) })
		}
	}
	return nil
}

// removeMember removes a direct member; one already gone is not an
// error (a provisioning client retries what it is unsure of).
func (d *Dialect) removeMember(r *request, g *directory.Group, p directory.PrincipalRef) error {
	err := d.domain.RemoveMember(r.ctx, r.caller, directory.ByID(g.ID), p)
	if errors.Is(err, directory.ErrNotFound) {
		if _, gerr := d.domain.GetGroup(r.ctx, r.caller, directory.ByID(g.ID)); gerr != nil {
			return gerr
		}
		return nil
	}
	return err
}

// planRemoveMatching removes the members a filter selects. A filter of
// value equalities (members[value eq "…"], Okta's and Entra ID's) names
// them and needs no read; any other filter is evaluated on the member
// list, which it must read.
func (d *Dialect) planRemoveMatching(r *request, g *directory.Group, plan *groupPlan, expr filter.Expression) error {
	if ids, ok := valueEqualities(expr); ok {
		var els []document
		for _, id := range ids {
			els = append(els, document{"value": id})
		}
		return d.planMembers(r, g, plan, "remove", els)
	}
	ms, err := d.members(r.ctx, r.caller, g.ID)
	if err != nil {
		return fromCore(err, groupSubject(g.ID))
	}
	var els []document
	for _, m := range ms {
		ref := memberOf(r.base, m.Principal)
		doc := document{"value": ref.Value, "display": ref.Display, "type": ref.Type, "$ref": ref.Ref}
		if matches(doc, expr) {
			els = append(els, document{"value": ref.Value, "type": ref.Type})
		}
	}
	return d.planMembers(r, g, plan, "remove", els)
}

// valueEqualities returns the ids of a filter "value eq a or value eq b".
func valueEqualities(expr filter.Expression) ([]string, bool) {
	switch e := expr.(type) {
	case *filter.AttributeExpression:
		if e.Operator != filter.EQ || !strings.EqualFold(e.AttributePath.AttributeName, "value") || e.AttributePath.SubAttribute != nil {
			return nil, false
		}
		s, err := stringValue(e.CompareValue)
		if err != nil {
			return nil, false
		}
		return []string{s}, true
	case *filter.LogicalExpression:
		if e.Operator != filter.OR {
			return nil, false
		}
		l, ok := valueEqualities(e.Left)
		if !ok {
			return nil, false
		}
		rr, ok := valueEqualities(e.Right)
		return append(l, rr...), ok
	}
	return nil, false
}

// planSetMembers makes the member list exactly els: it reads the current
// list and adds and removes the difference.
func (d *Dialect) planSetMembers(r *request, g *directory.Group, plan *groupPlan, els []document) error {
	want, err := d.principals(r.ctx, r.caller, els)
	if err != nil {
		return fromCore(err, "member")
	}
	have, err := d.members(r.ctx, r.caller, g.ID)
	if err != nil {
		return fromCore(err, groupSubject(g.ID))
	}
	wanted := map[string]bool{}
	for _, p := range want {
		wanted[p.Ref.Value] = true
	}
	present := map[string]bool{}
	for _, m := range have {
		present[m.ID] = true
		if !wanted[m.ID] {
			p := directory.PrincipalRef{Type: m.Type, Ref: directory.ByID(m.ID)}
			plan.steps = append(plan.steps, func() error { return d.removeMember(r, g, p) })
		}
	}
	for _, p := range want {
		if !present[p.Ref.Value] {
			p := p
			plan.steps = append(plan.steps, func() error { return d.domain.AddMember(r.ctx, r.caller, directory.ByID(g.ID), p) })
		}
	}
	return nil
}

// runGroupPlan applies a checked plan: attributes, then the name, then
// the members.
func (d *Dialect) runGroupPlan(r *request, g *directory.Group, plan *groupPlan) (*directory.Group, error) {
	ref := directory.ByID(g.ID)
	var err error
	if plan.externalID != nil && *plan.externalID != g.ExternalID {
		if g, err = d.domain.UpdateGroup(r.ctx, r.caller, ref, directory.GroupPatch{ExternalID: plan.externalID}); err != nil {
			return nil, fromCore(err, groupSubject(ref.Value))
		}
	}
	if plan.rename != nil && *plan.rename != g.Name {
		if g, err = d.domain.RenameGroup(r.ctx, r.caller, ref, *plan.rename); err != nil {
			return nil, fromCore(err, `Group "`+*plan.rename+`"`)
		}
	}
	for _, step := range plan.steps {
		if err := step(); err != nil {
			return nil, fromCore(err, "member")
		}
	}
	if len(plan.steps) > 0 {
		if g, err = d.domain.GetGroup(r.ctx, r.caller, ref); err != nil {
			return nil, fromCore(err, groupSubject(ref.Value))
		}
	}
	return g, nil
}

// deleteGroup is DELETE /Groups/{id}: 204.
func (d *Dialect) deleteGroup(c echo.Context) error {
	r := newRequest(c)
	id := c.Param("id")
	if conditional(c) {
		if _, err := d.currentGroup(r); err != nil {
			return err
		}
	}
	if err := d.domain.DeleteGroup(r.ctx, r.caller, directory.ByID(id)); err != nil {
		return fromCore(err, groupSubject(id))
	}
	return c.NoContent(http.StatusNoContent)
}

// directGroups lists the ids of the groups a user or group (by id) is a
// direct member of: what members[value eq "…"] selects. An id that names
// nothing the caller may see is a member of nothing.
func (d *Dialect) directGroups(r *request, id string) ([]string, error) {
	p, err := d.principal(r.ctx, r.caller, document{"value": id})
	if err != nil {
		var se *scimError
		if errors.As(err, &se) && se.status == http.StatusBadRequest {
			return nil, nil
		}
		if errors.Is(err, identity.ErrForbidden) {
			return nil, nil
		}
		return nil, err
	}
	ms, err := d.domain.MemberOf(r.ctx, r.caller, p, false)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.Group.ID)
	}
	return ids, nil
}
