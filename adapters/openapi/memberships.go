package openapi

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// Values of membershipType and principalType.
const (
	membershipDirect   = "direct"
	membershipIndirect = "indirect"
	principalUser      = "User"
	principalGroup     = "Group"
)

// membershipEntry is a group a principal belongs to.
type membershipEntry struct {
	MembershipType string `json:"membershipType"`
	ID             string `json:"id"`
	Name           string `json:"name"`
}

// memberEntry is a principal in a group's member list.
type memberEntry struct {
	MembershipType string `json:"membershipType"`
	PrincipalType  string `json:"principalType"`
	ID             string `json:"id"`
	Name           string `json:"name"`
}

// membershipQuery is filter[membershipType][EQ] and, for member lists,
// filter[principalType][EQ]. Membership lists come whole from the
// directory (they are not searches), so these filters pick from them.
type membershipQuery struct {
	// kind is "", direct or indirect.
	kind string
	// principal is "", User or Group.
	principal string
}

// indirect: whether the directory must walk nested groups.
func (q membershipQuery) indirect() bool { return q.kind != membershipDirect }

func (q membershipQuery) keeps(direct bool, principal string) bool {
	switch {
	case q.kind == membershipDirect && !direct, q.kind == membershipIndirect && direct:
		return false
	case q.principal != "" && q.principal != principal:
		return false
	}
	return true
}

type membershipCond func(*membershipQuery)

func enumEq(field string, allowed []string, set func(*membershipQuery, string)) map[string]compileFunc[membershipCond] {
	return map[string]compileFunc[membershipCond]{
		opEQ: func(_ string, values []string) (membershipCond, error) {
			v, err := oneValue(field, opEQ, values)
			if err != nil {
				return nil, err
			}
			if !slices.Contains(allowed, v) {
				return nil, badRequest("%s must be %s, not %q", param(field, opEQ), strings.Join(allowed, " or "), v)
			}
			return func(q *membershipQuery) { set(q, v) }, nil
		},
	}
}

var (
	membershipTypeFilter = enumEq("membershipType", []string{membershipDirect, membershipIndirect},
		func(q *membershipQuery, v string) { q.kind = v })
	principalTypeFilter = enumEq("principalType", []string{principalUser, principalGroup},
		func(q *membershipQuery, v string) { q.principal = v })

	membershipFilters = filterTable[membershipCond]{"membershipType": membershipTypeFilter}
	memberFilters     = filterTable[membershipCond]{"membershipType": membershipTypeFilter, "principalType": principalTypeFilter}
)

func parseMembershipQuery(c echo.Context, table filterTable[membershipCond]) (membershipQuery, error) {
	var q membershipQuery
	p, err := parseListParams(c.QueryParams())
	if err != nil {
		return q, err
	}
	conds, err := table.compile(p.conds)
	if err != nil {
		return q, err
	}
	for _, set := range conds {
		set(&q)
	}
	return q, nil
}

func membershipType(direct bool) string {
	if direct {
		return membershipDirect
	}
	return membershipIndirect
}

func principalTypeName(t directory.PrincipalType) string {
	if t == directory.PrincipalGroup {
		return principalGroup
	}
	return principalUser
}

// listMemberships answers a principal's groups.
func (d *Dialect) listMemberships(c echo.Context, p directory.PrincipalRef, subject string) error {
	q, err := parseMembershipQuery(c, membershipFilters)
	if err != nil {
		return err
	}
	ms, err := d.domain.MemberOf(c.Request().Context(), sessionOf(c).caller, p, q.indirect())
	if err == nil {
		err = dialect.CheckResults(len(ms), dialect.MaxResults(d.cfg.MaxResults))
	}
	if err != nil {
		return lookupError(err, subject)
	}
	out := make([]membershipEntry, 0, len(ms))
	for _, m := range ms {
		if q.keeps(m.Direct, "") {
			out = append(out, membershipEntry{MembershipType: membershipType(m.Direct), ID: m.Group.ID, Name: m.Group.Name})
		}
	}
	slices.SortFunc(out, func(a, b membershipEntry) int {
		return cmp.Or(compareFold(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return c.JSON(http.StatusOK, out)
}

func compareFold(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }

// userGroups answers GET /users/{userId}/groups and /users/me/groups.
func (d *Dialect) userGroups(c echo.Context) error {
	ref, subject := userRef(c)
	return d.listMemberships(c, directory.UserRef(ref), subject)
}

// groupGroups answers GET /groups/{groupId}/groups: the groups the group
// belongs to.
func (d *Dialect) groupGroups(c echo.Context) error {
	id := c.Param("groupId")
	return d.listMemberships(c, directory.GroupRef(directory.ByID(id)), groupSubject(id))
}

// principalGroups answers GET /principals/{principalId}/groups: the id is
// a user's or a group's.
func (d *Dialect) principalGroups(c echo.Context) error {
	id := c.Param("principalId")
	p, err := d.findPrincipal(c, directory.ByID(id), "")
	if err != nil {
		return err
	}
	return d.listMemberships(c, p.ref, principalSubject(id))
}

// groupMembers answers GET /groups/{groupId}/members.
func (d *Dialect) groupMembers(c echo.Context) error {
	q, err := parseMembershipQuery(c, memberFilters)
	if err != nil {
		return err
	}
	id := c.Param("groupId")
	ms, err := d.domain.Members(c.Request().Context(), sessionOf(c).caller, directory.ByID(id), q.indirect())
	if err == nil {
		err = dialect.CheckResults(len(ms), dialect.MaxResults(d.cfg.MaxResults))
	}
	if err != nil {
		return lookupError(err, groupSubject(id))
	}
	out := make([]memberEntry, 0, len(ms))
	for _, m := range ms {
		pt := principalTypeName(m.Type)
		if q.keeps(m.Direct, pt) {
			out = append(out, memberEntry{MembershipType: membershipType(m.Direct), PrincipalType: pt, ID: m.ID, Name: m.Name})
		}
	}
	slices.SortFunc(out, func(a, b memberEntry) int {
		return cmp.Or(cmp.Compare(a.PrincipalType, b.PrincipalType), compareFold(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return c.JSON(http.StatusOK, out)
}

// foundPrincipal is a user or group found by id or name.
type foundPrincipal struct {
	ref  directory.PrincipalRef
	id   string
	name string
}

// findPrincipal finds a user or group; typ ("", User or Group) says which
// to look for. Without a type, a user is looked for first; a name that is
// both a user's and a group's is ambiguous.
func (d *Dialect) findPrincipal(c echo.Context, ref directory.Ref, typ string) (foundPrincipal, error) {
	ctx, caller := c.Request().Context(), sessionOf(c).caller
	subject := principalSubject(ref.Value)
	var found []foundPrincipal
	if typ == "" || typ == principalUser {
		u, err := d.domain.GetUser(ctx, caller, ref)
		switch {
		case err == nil:
			found = append(found, foundPrincipal{directory.UserRef(directory.ByID(u.ID)), u.ID, u.Username})
		case !errors.Is(err, directory.ErrNotFound) && !errors.Is(err, directory.ErrInvalidInput):
			return foundPrincipal{}, coreError(err, subject)
		}
	}
	if typ == "" && len(found) == 1 && ref.Kind == directory.RefID {
		return found[0], nil // ids are unique across users and groups
	}
	if typ == "" || typ == principalGroup {
		g, err := d.domain.GetGroup(ctx, caller, ref)
		switch {
		case err == nil:
			found = append(found, foundPrincipal{directory.GroupRef(directory.ByID(g.ID)), g.ID, g.Name})
		case !errors.Is(err, directory.ErrNotFound) && !errors.Is(err, directory.ErrInvalidInput):
			return foundPrincipal{}, coreError(err, subject)
		}
	}
	switch len(found) {
	case 0:
		return foundPrincipal{}, notFound("%s not found", subject)
	case 1:
		return found[0], nil
	}
	return foundPrincipal{}, badRequest("%q names both a user and a group; give principalType", ref.Value)
}

func principalSubject(idOrName string) string { return fmt.Sprintf("principal %q", idOrName) }
