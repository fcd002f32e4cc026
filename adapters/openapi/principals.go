package openapi

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Principals are users and groups in one list. The directory searches
// them separately (they are different entries with different attributes),
// so one page of principals is cut from two searches:
//
//   - In the default order (users by username, then groups by name) a page
//     is a slice of the users' search, continued if needed by a slice of
//     the groups' search: two searches of at most one page each, whatever
//     the offset.
//   - Sorted by displayName, users and groups interleave, and where a page
//     starts depends on how many of each precede it. Both searches return
//     their first offset+limit entries in that order, which are merged; the
//     first offset+limit of the merge depend on nothing else, so paging
//     shows every principal exactly once. The cost grows with the offset,
//     so sorted listings stop at maxMergedWindow entries deep.
//
// A filter that leaves only one kind (filter[_type][EQ]) pages that kind's
// search directly, sorted or not.

// maxMergedWindow bounds offset+limit of a principal listing sorted by
// displayName.
const maxMergedWindow = 10000

// principalCond restricts the users' and the groups' search; nil is no
// restriction, matchNone leaves that kind out.
type principalCond struct{ users, groups directory.Filter }

type principalCompile = compileFunc[principalCond]

// both pairs the operators of a field on users and on groups; an operator
// the group side lacks does not restrict groups.
func both(userOps, groupOps map[string]dirCompile) map[string]principalCompile {
	out := make(map[string]principalCompile, len(userOps))
	for op, onUsers := range userOps {
		onGroups := groupOps[op]
		out[op] = func(field string, values []string) (principalCond, error) {
			u, err := onUsers(field, values)
			if err != nil || onGroups == nil {
				return principalCond{users: u}, err
			}
			g, err := onGroups(field, values)
			return principalCond{users: u, groups: g}, err
		}
	}
	return out
}

func withoutPresence(ops map[string]dirCompile) map[string]dirCompile {
	delete(ops, opPR)
	return ops
}

var principalFilterTable = filterTable[principalCond]{
	"_id": both(eqInOps(directory.FieldID), eqInOps(directory.FieldID)),
	"_type": {opEQ: func(field string, values []string) (principalCond, error) {
		v, err := oneValue(field, opEQ, values)
		switch {
		case err != nil:
			return principalCond{}, err
		case v == principalUser:
			return principalCond{groups: matchNone}, nil
		case v == principalGroup:
			return principalCond{users: matchNone}, nil
		}
		return principalCond{}, badRequest("%s must be User or Group, not %q", param(field, opEQ), v)
	}},
	// A group's display name is its name.
	"displayName": both(withoutPresence(textOps(directory.FieldDisplayName)), textOps(directory.FieldName)),
	"name":        both(withoutPresence(textOps(directory.FieldUsername)), textOps(directory.FieldName)),
	"external": both(map[string]dirCompile{opEQ: presenceEq(directory.FieldExternalID)},
		map[string]dirCompile{opEQ: presenceEq(directory.FieldExternalID)}),
	"system": both(boolOps(directory.FieldSystem), boolOps(directory.FieldSystem)),
	// Deletion applies to users only; groups are never filtered by it.
	"deleted": both(deletedOps(), nil),
}

// presenceEq: filter[external][EQ]=true means an externalId is present.
func presenceEq(df directory.Field) dirCompile {
	return func(field string, values []string) (directory.Filter, error) {
		v, err := boolValue(field, opEQ, values)
		if err != nil {
			return nil, err
		}
		if v {
			return directory.Present(df), nil
		}
		return directory.Not{Filter: directory.Present(df)}, nil
	}
}

var principalFieldNames = []string{"_type", "_id", "displayName", "name", "external", "system"}

func renderUserPrincipal(u *directory.User) object {
	return object{{"_type", principalUser}, {"_id", u.ID}, {"displayName", u.DisplayName},
		{"name", u.Username}, {"external", u.ExternalID != ""}, {"system", u.System}}
}

func renderGroupPrincipal(g *directory.Group) object {
	return object{{"_type", principalGroup}, {"_id", g.ID}, {"displayName", g.Name},
		{"name", g.Name}, {"external", g.ExternalID != ""}, {"system", g.System}}
}

// principalSearch is the users' and the groups' side of a listing; a nil
// side is left out.
type principalSearch struct {
	users, groups *directory.Query
	// sorted by displayName (descending when desc).
	sorted, desc bool
}

// listPrincipals answers GET /principals.
func (d *Dialect) listPrincipals(c echo.Context) error {
	p, err := parseListParams(c.QueryParams())
	if err != nil {
		return err
	}
	sel, err := newSelection(p.fields, p.exclude, principalFieldNames)
	if err != nil {
		return err
	}
	s, err := compilePrincipalSearch(p)
	if err != nil {
		return err
	}
	ctx, caller := c.Request().Context(), sessionOf(c).caller
	var items []object
	var total int
	if s.sorted && s.users != nil && s.groups != nil {
		items, total, err = d.mergedPage(ctx, caller, s, p.offset, p.limit)
	} else {
		items, total, err = d.concatenatedPage(ctx, caller, s, p.offset, p.limit)
	}
	if err != nil {
		return err
	}
	out := listResponse{TotalCount: total, Data: make([]object, 0, len(items))}
	for _, o := range items {
		out.Data = append(out.Data, sel.apply(o))
	}
	return c.JSON(http.StatusOK, out)
}

func compilePrincipalSearch(p listParams) (principalSearch, error) {
	var s principalSearch
	conds, err := principalFilterTable.compile(p.conds)
	if err != nil {
		return s, err
	}
	var userConds, groupConds []directory.Filter
	for _, c := range conds {
		userConds = append(userConds, c.users)
		groupConds = append(groupConds, c.groups)
	}
	switch len(p.sort) {
	case 0:
	case 1:
		if p.sort[0].field != "displayName" {
			return s, badRequest("cannot sort principals by %q; sortable fields: displayName", p.sort[0].field)
		}
		s.sorted, s.desc = true, p.sort[0].descending
	default:
		return s, badRequest("principals sort by one field: displayName or -displayName")
	}
	if f, none := and(userConds); !none {
		s.users = &directory.Query{Filter: f, Sort: []directory.SortKey{{Field: directory.FieldUsername}}}
		if s.sorted {
			s.users.Sort = []directory.SortKey{{Field: directory.FieldDisplayName, Descending: s.desc}, {Field: directory.FieldUsername}}
		}
	}
	if f, none := and(groupConds); !none {
		s.groups = &directory.Query{Filter: f, Sort: []directory.SortKey{{Field: directory.FieldName, Descending: s.desc}}}
	}
	if s.sorted && s.users != nil && s.groups != nil && p.offset+p.limit > maxMergedWindow {
		return s, badRequest("principals sorted by displayName can be paged %d entries deep; filter by _type (or use /users and /groups) to go further", maxMergedWindow)
	}
	return s, nil
}

// concatenatedPage pages over users, then groups.
func (d *Dialect) concatenatedPage(ctx context.Context, caller identity.Caller, s principalSearch, offset, limit int) ([]object, int, error) {
	var items []object
	usersTotal := 0
	if s.users != nil {
		q := *s.users
		q.Offset, q.Limit = offset, limit
		page, err := d.domain.SearchUsers(ctx, caller, q)
		if err != nil {
			return nil, 0, coreError(err, "")
		}
		usersTotal = page.Total
		for i := range page.Items {
			items = append(items, renderUserPrincipal(&page.Items[i]))
		}
	}
	if s.groups == nil {
		return items, usersTotal, nil
	}
	q := *s.groups
	q.Offset, q.Limit = max(0, offset-usersTotal), limit-len(items)
	if q.Limit == 0 {
		// The page is full of users: the groups' search only counts.
		q.Offset, q.Limit = 0, 1
	}
	page, err := d.domain.SearchGroups(ctx, caller, q)
	if err != nil {
		return nil, 0, coreError(err, "")
	}
	for i := 0; i < len(page.Items) && len(items) < limit; i++ {
		items = append(items, renderGroupPrincipal(&page.Items[i]))
	}
	return items, usersTotal + page.Total, nil
}

// mergedPage pages over users and groups interleaved by display name.
func (d *Dialect) mergedPage(ctx context.Context, caller identity.Caller, s principalSearch, offset, limit int) ([]object, int, error) {
	window := offset + limit
	uq, gq := *s.users, *s.groups
	uq.Limit, gq.Limit = window, window
	users, err := d.domain.SearchUsers(ctx, caller, uq)
	if err != nil {
		return nil, 0, coreError(err, "")
	}
	groups, err := d.domain.SearchGroups(ctx, caller, gq)
	if err != nil {
		return nil, 0, coreError(err, "")
	}
	var items []object
	i, j := 0, 0
	for n := 0; n < window && (i < len(users.Items) || j < len(groups.Items)); n++ {
		takeUser := j >= len(groups.Items)
		if i < len(users.Items) && j < len(groups.Items) {
			cmp := compareFold(users.Items[i].DisplayName, groups.Items[j].Name)
			if s.desc {
				cmp = -cmp
			}
			takeUser = cmp <= 0 // ties: the user first, in both directions
		}
		var o object
		if takeUser {
			o = renderUserPrincipal(&users.Items[i])
			i++
		} else {
			o = renderGroupPrincipal(&groups.Items[j])
			j++
		}
		if n >= offset {
			items = append(items, o)
		}
	}
	return items, users.Total + groups.Total, nil
}
