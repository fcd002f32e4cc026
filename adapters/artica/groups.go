package artica

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// group is one group as Artica shows it.
type group struct {
	GID  int64  `json:"gid"`
	Name string `json:"name"`
	OU   string `json:"ou"`
	DN   string `json:"dn"`
}

// listGroups answers GET /openldap/groups?ou=ORG: the organization's
// groups, by gid.
func (d *Dialect) listGroups(c echo.Context) error {
	org, err := d.organization(c.QueryParam("ou"))
	if err != nil {
		return d.refuse(c, "organization", err)
	}
	ctx := c.Request().Context()
	if _, err := d.ready(ctx, c, org); err != nil {
		return d.failErr(c, "organization "+org.Name, err)
	}
	page, err := d.domain.SearchGroups(ctx, d.caller(c), directory.Query{
		Base:  org.GroupsDN,
		Scope: directory.ScopeSubtree,
		Sort:  []directory.SortKey{{Field: directory.FieldGIDNumber}},
		Limit: d.maxResults + 1,
	})
	if err == nil {
		err = dialect.CheckResults(len(page.Items), d.maxResults)
	}
	if err != nil {
		return d.failErr(c, "groups of "+org.Name, err)
	}
	out := make([]group, 0, len(page.Items))
	for _, g := range page.Items {
		out = append(out, group{GID: g.GIDNumber, Name: g.Name, OU: org.Name, DN: g.DN})
	}
	// The backend sorts, but a backend without server-side sort may not:
	// the order is part of the answer.
	slices.SortStableFunc(out, func(a, b group) int { return cmp.Compare(a.GID, b.GID) })
	return d.data(c, out)
}

// newGroup is the body of POST /openldap/groups.
type newGroup struct {
	Name string `json:"name"`
	OU   string `json:"ou"`
	// UID, when given, is linked to the group in the same change.
	UID string `json:"uid"`
}

// createGroup answers POST /openldap/groups; the new group's gid is in
// Data (and Info).
func (d *Dialect) createGroup(c echo.Context) error {
	var in newGroup
	if err := decodeBody(c, &in); err != nil {
		return d.refuse(c, "group", err)
	}
	if err := checkName(in.Name); err != nil {
		return fail(c, fmt.Sprintf("name %q %s", in.Name, err))
	}
	subject := "group " + in.Name
	org, err := d.organization(in.OU)
	if err != nil {
		return d.refuse(c, subject, err)
	}
	ng := directory.NewGroup{ParentDN: org.GroupsDN, Name: in.Name}
	if in.UID != "" {
		if err := checkName(in.UID); err != nil {
			return fail(c, fmt.Sprintf("uid %q %s", in.UID, err))
		}
		ng.Members = []directory.PrincipalRef{directory.UserRef(directory.ByName(in.UID))}
	}
	ctx := c.Request().Context()
	if _, err := d.ready(ctx, c, org); err != nil {
		return d.failErr(c, "organization "+org.Name, err)
	}
	caller := d.caller(c)
	if in.UID != "" {
		// Name a missing member as such, rather than as a failed group.
		if _, err := d.domain.GetUser(ctx, caller, directory.ByName(in.UID)); err != nil {
			return d.failErr(c, "member "+in.UID, err)
		}
	}
	g, err := d.domain.CreateGroup(ctx, caller, ng)
	if err != nil {
		return d.failErr(c, subject, err)
	}
	return d.doneWith(c, fmt.Sprintf("group %s created with gid %d", g.Name, g.GIDNumber),
		group{GID: g.GIDNumber, Name: g.Name, OU: org.Name, DN: g.DN})
}

// linkMember answers POST /openldap/groups/{gid}/members/{uid}.
func (d *Dialect) linkMember(c echo.Context) error {
	return d.changeMembership(c, true)
}

// unlinkMember answers DELETE /openldap/groups/{gid}/members/{uid}.
func (d *Dialect) unlinkMember(c echo.Context) error {
	return d.changeMembership(c, false)
}

func (d *Dialect) changeMembership(c echo.Context, link bool) error {
	gid, err := gidParam(c)
	if err != nil {
		return d.refuse(c, "group", err)
	}
	uid, err := uidParam(c)
	if err != nil {
		return d.refuse(c, "member", err)
	}
	ctx := c.Request().Context()
	caller := d.caller(c)
	grp := directory.ByNumber(gid)
	// Read both first so the answer names what is missing.
	if _, err := d.domain.GetGroup(ctx, caller, grp); err != nil {
		return d.failErr(c, fmt.Sprintf("group %d", gid), err)
	}
	if _, err := d.domain.GetUser(ctx, caller, directory.ByName(uid)); err != nil {
		return d.failErr(c, "member "+uid, err)
	}
	user := directory.UserRef(directory.ByName(uid))
	if link {
		err = d.domain.AddMember(ctx, caller, grp, user)
	} else {
		err = d.domain.RemoveMember(ctx, caller, grp, user)
	}
	if err != nil {
		return d.failErr(c, fmt.Sprintf("member %s of group %d", uid, gid), err)
	}
	return d.done(c, "")
}
