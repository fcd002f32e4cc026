package artica

import (
	"errors"
	"fmt"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// newMember is the body of POST /openldap/members.
type newMember struct {
	Login     string    `json:"login"`
	Password  string    `json:"password"`
	Firstname string    `json:"firstname"`
	Lastname  string    `json:"lastname"`
	Email     string    `json:"email"`
	OU        string    `json:"ou"`
	GPID      gidNumber `json:"gpid"`
}

// member is the Data of GET /openldap/members/{uid}.
type member struct {
	UID             string `json:"uid"`
	GivenName       string `json:"givenName"`
	SN              string `json:"sn"`
	DisplayName     string `json:"displayName"`
	Mail            string `json:"mail"`
	Title           string `json:"title"`
	TelephoneNumber string `json:"telephoneNumber"`
	Mobile          string `json:"mobile"`
	OU              string `json:"ou"`
	DN              string `json:"dn"`
	UIDNumber       int64  `json:"uidNumber"`
	GIDNumber       int64  `json:"gidNumber"`
}

// refuse answers a request the adapter rejected itself (errBadRequest)
// with its message, anything else through the sentinel mapping.
func (d *Dialect) refuse(c echo.Context, subject string, err error) error {
	if errors.Is(err, errBadRequest) {
		return fail(c, clientMessage(err))
	}
	if errors.Is(err, errUnknownOrganization) {
		return fail(c, err.Error())
	}
	return d.failErr(c, subject, err)
}

// createMember answers POST /openldap/members: the user is created in the
// organization's users container with gpid (0: the organization's default
// group) as primary group, and made a member of that group, both or
// neither (the core's CreateMember; a retry completes a create the process
// did not live to finish).
func (d *Dialect) createMember(c echo.Context) error {
	var in newMember
	if err := decodeBody(c, &in); err != nil {
		return d.refuse(c, "member", err)
	}
	if err := checkName(in.Login); err != nil {
		return fail(c, fmt.Sprintf("login %q %s", in.Login, err))
	}
	subject := "member " + in.Login
	if in.Password == "" {
		return fail(c, "password is required")
	}
	org, err := d.organization(in.OU)
	if err != nil {
		return d.refuse(c, subject, err)
	}
	ctx := c.Request().Context()
	defaultGID, err := d.ready(ctx, c, org)
	if err != nil {
		return d.failErr(c, "organization "+org.Name, err)
	}
	gid := int64(in.GPID)
	if gid == 0 {
		gid = defaultGID
	}
	caller := d.caller(c)
	group, err := d.domain.GetGroup(ctx, caller, directory.ByNumber(gid))
	if in.GPID == 0 && errors.Is(err, directory.ErrNotFound) {
		// The default group was deleted since it was set up (or a restore
		// took it away): set the organization up again.
		org.forget()
		if gid, err = d.ready(ctx, c, org); err == nil {
			group, err = d.domain.GetGroup(ctx, caller, directory.ByNumber(gid))
		}
	}
	if err != nil {
		return d.failErr(c, fmt.Sprintf("group %d", gid), err)
	}
	if !directory.IsUnder(group.DN, org.GroupsDN) {
		return fail(c, fmt.Sprintf("group %d does not belong to the organization %s", gid, org.Name))
	}
	_, err = d.domain.CreateMember(ctx, caller, directory.NewUser{
		ParentDN:    org.UsersDN,
		Username:    in.Login,
		GIDNumber:   gid,
		GivenName:   in.Firstname,
		Surname:     in.Lastname,
		DisplayName: strings.TrimSpace(in.Firstname + " " + in.Lastname),
		Mail:        in.Email,
		Password:    in.Password,
	}, directory.ByDN(group.DN)) // read just above: by DN, the core needs no lookup

	if err != nil {
		return d.failErr(c, subject, err)
	}
	return d.done(c, "")
}

// getMember answers GET /openldap/members/{uid}.
func (d *Dialect) getMember(c echo.Context) error {
	uid, err := uidParam(c)
	if err != nil {
		return d.refuse(c, "member", err)
	}
	u, err := d.domain.GetUser(c.Request().Context(), d.caller(c), directory.ByName(uid))
	if err != nil {
		return d.failErr(c, "member "+uid, err)
	}
	return d.data(c, d.memberOf(u))
}

func (d *Dialect) memberOf(u *directory.User) member {
	return member{
		UID:             u.Username,
		GivenName:       u.GivenName,
		SN:              u.Surname,
		DisplayName:     u.DisplayName,
		Mail:            u.Mail,
		Title:           u.Title,
		TelephoneNumber: u.Telephone,
		Mobile:          strings.Join(u.Mobile, ", "),
		OU:              d.organizationOf(u.DN),
		DN:              u.DN,
		UIDNumber:       u.UIDNumber,
		GIDNumber:       u.GIDNumber,
	}
}

// deleteMember answers DELETE /openldap/members/{uid}; the user's group
// memberships go with it.
func (d *Dialect) deleteMember(c echo.Context) error {
	uid, err := uidParam(c)
	if err != nil {
		return d.refuse(c, "member", err)
	}
	if err := d.domain.DeleteUser(c.Request().Context(), d.caller(c), directory.ByName(uid)); err != nil {
		return d.failErr(c, "member "+uid, err)
	}
	return d.done(c, "")
}

// setPassword answers POST /openldap/members/{uid}/password {password}.
func (d *Dialect) setPassword(c echo.Context) error {
	uid, err := uidParam(c)
	if err != nil {
		return d.refuse(c, "member", err)
	}
	var in struct {
		Password string `json:"password"`
	}
	if err := decodeBody(c, &in); err != nil {
		return d.refuse(c, "member "+uid, err)
	}
	if in.Password == "" {
		return fail(c, "password is required")
	}
	err = d.domain.SetPassword(c.Request().Context(), d.caller(c), directory.ByName(uid), in.Password, false)
	if err != nil {
		return d.failErr(c, "member "+uid, err)
	}
	return d.done(c, "")
}

// memberGroup is one entry of GET /openldap/members/{uid}/groups.
type memberGroup struct {
	GID  int64  `json:"gid"`
	Name string `json:"name"`
	OU   string `json:"ou"`
	DN   string `json:"dn"`
}

// memberGroups answers GET /openldap/members/{uid}/groups: the groups the
// user is a direct member of.
func (d *Dialect) memberGroups(c echo.Context) error {
	uid, err := uidParam(c)
	if err != nil {
		return d.refuse(c, "member", err)
	}
	ms, err := d.domain.MemberOf(c.Request().Context(), d.caller(c), directory.UserRef(directory.ByName(uid)), false)
	if err == nil {
		err = dialect.CheckResults(len(ms), d.maxResults)
	}
	if err != nil {
		return d.failErr(c, "member "+uid, err)
	}
	out := make([]memberGroup, 0, len(ms))
	for _, m := range ms {
		if d.organizationOf(m.Group.DN) == "" {
			continue // outside the organizations: not Artica's to show
		}
		out = append(out, memberGroup{GID: m.Group.GIDNumber, Name: m.Group.Name, OU: d.organizationOf(m.Group.DN), DN: m.Group.DN})
	}
	return d.data(c, out)
}
