package adweb

import (
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// createUser: POST createuser
// {createUser:{SamAccountName,UserPrincipalName,Password,ouDN,FQDN}, customAttributes:{…}}.
// The original calls every createUser key mandatory.
func (r *request) createUser() (reply, error) {
	in, err := r.section("createUser")
	if err != nil {
		return reply{}, err
	}
	dom, err := r.domain(in)
	if err != nil {
		return reply{}, err
	}
	var u directory.NewUser
	if u.Username, err = requiredText(in, "SamAccountName"); err != nil {
		return reply{}, err
	}
	if u.UserPrincipalName, err = requiredText(in, "UserPrincipalName"); err != nil {
		return reply{}, err
	}
	if u.Password, err = requiredText(in, "Password"); err != nil {
		return reply{}, err
	}
	if u.ParentDN, err = dn(in, "ouDN", dom); err != nil {
		return reply{}, err
	}
	ca, err := r.customAttributes()
	if err != nil {
		return reply{}, err
	}
	ca.applyToNewUser(&u)

	created, err := dom.CreateUser(r.ctx, r.caller, u)
	if isNotFound(err) {
		// The user does not exist yet: what is missing is its OU.
		return reply{}, fromCore(err, subjectOU, u.ParentDN)
	}
	if err != nil {
		return reply{}, fromCore(ca.refusal(err), subjectUser, u.Username)
	}
	return reply{message: "User " + created.Username + " created successfully", data: viewUser(created)}, nil
}

// updateUser: PUT updateuser
// {updateUser:{userDN,SamAccountName?,UserPrincipalName?,Password?,ouDN?,FQDN}, customAttributes:{…}}.
// Only userDN and FQDN are required; SamAccountName renames, ouDN moves.
// Every part is applied or none (identity.Domain.ModifyUser).
func (r *request) updateUser() (reply, error) {
	in, err := r.section("updateUser")
	if err != nil {
		return reply{}, err
	}
	dom, err := r.domain(in)
	if err != nil {
		return reply{}, err
	}
	userDN, err := dn(in, "userDN", dom)
	if err != nil {
		return reply{}, err
	}
	var ch identity.UserChange
	// An empty optional key means "leave as it is", as the original's
	// model binding leaves an empty property unset.
	if sam, err := text(in, "SamAccountName"); err != nil {
		return reply{}, err
	} else if strings.TrimSpace(sam) != "" {
		ch.Rename = &sam
	}
	if upn, err := text(in, "UserPrincipalName"); err != nil {
		return reply{}, err
	} else if upn != "" {
		ch.Patch.UserPrincipalName = &upn
	}
	if pw, err := text(in, "Password"); err != nil {
		return reply{}, err
	} else if pw != "" {
		ch.Password = &pw
	}
	if ou, err := text(in, "ouDN"); err != nil {
		return reply{}, err
	} else if strings.TrimSpace(ou) != "" {
		if ch.MoveTo, err = checkDN("ouDN", ou, dom); err != nil {
			return reply{}, err
		}
	}
	ca, err := r.customAttributes()
	if err != nil {
		return reply{}, err
	}
	ca.applyToPatch(&ch.Patch)

	u, err := dom.ModifyUser(r.ctx, r.caller, directory.ByDN(userDN), ch)
	switch {
	case isNotFound(err):
		return reply{}, r.whichMissing(dom, err, userDN, ch.MoveTo)
	case err != nil && ch.Rename != nil:
		return reply{}, fromCore(ca.refusal(err), subjectUser, *ch.Rename)
	case err != nil:
		return reply{}, fromCore(ca.refusal(err), subjectUser, userDN)
	}
	return reply{message: "User " + u.Username + " updated successfully", data: viewUser(u)}, nil
}

// moveUserToOU: POST moveusertoou {userDN, ouDN, fqdn}. The user keeps
// its id and its groups.
func (r *request) moveUserToOU() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	userDN, err := dn(r.in, "userDN", dom)
	if err != nil {
		return reply{}, err
	}
	ouDN, err := dn(r.in, "ouDN", dom)
	if err != nil {
		return reply{}, err
	}
	u, err := dom.MoveUser(r.ctx, r.caller, directory.ByDN(userDN), ouDN)
	if err != nil {
		if isNotFound(err) {
			return reply{}, r.whichMissing(dom, err, userDN, ouDN)
		}
		return reply{}, fromCore(err, subjectUser, userDN)
	}
	return reply{message: "User " + u.Username + " moved successfully", data: viewUser(u)}, nil
}

// section returns the object the original nests an endpoint's fields in
// (createUser, updateUser); a client that sent them at the top level is
// read from there.
func (r *request) section(name string) (*object, error) {
	o, err := nested(r.in, name)
	if err != nil || o != nil {
		return o, err
	}
	return r.in, nil
}

func (r *request) customAttributes() (customAttributes, error) {
	o, err := nested(r.in, "customAttributes")
	if err != nil {
		return customAttributes{}, err
	}
	return readCustomAttributes(o)
}
