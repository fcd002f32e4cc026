package adweb

import (
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// assignUserToGroup: POST assignusertogroup {userDN, groupDN, fqdn}.
// Adding a user who is already a member succeeds, as in AD Web.
func (r *request) assignUserToGroup() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	userDN, err := dn(r.in, "userDN", dom)
	if err != nil {
		return reply{}, err
	}
	groupDN, err := dn(r.in, "groupDN", dom)
	if err != nil {
		return reply{}, err
	}
	// Both are read first so a missing one is named: the directory's
	// not-found on a membership change does not say which side it was.
	u, err := dom.GetUser(r.ctx, r.caller, directory.ByDN(userDN))
	if err != nil {
		return reply{}, fromCore(err, subjectUser, userDN)
	}
	g, err := dom.GetGroup(r.ctx, r.caller, directory.ByDN(groupDN))
	if err != nil {
		return reply{}, fromCore(err, subjectGroup, groupDN)
	}
	err = dom.AddMember(r.ctx, r.caller, directory.ByID(g.ID), directory.UserRef(directory.ByID(u.ID)))
	if err != nil {
		return reply{}, fromCore(err, subjectGroup, groupDN)
	}
	return reply{
		message: "User " + u.Username + " added to group " + g.Name + " successfully",
		data:    map[string]string{"userDN": u.DN, "groupDN": g.DN},
	}, nil
}

// getGroupMembers: getgroupmembers?groupDN=…&FQDN=… (the original's
// parameter list calls it ouDN, which is accepted too): the group's direct
// members.
func (r *request) getGroupMembers() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	field := "groupDN"
	if !r.in.has(field) && r.in.has("ouDN") {
		field = "ouDN"
	}
	groupDN, err := dn(r.in, field, dom)
	if err != nil {
		return reply{}, err
	}
	members, err := dom.Members(r.ctx, r.caller, directory.ByDN(groupDN), false)
	if err == nil {
		err = dialect.CheckResults(len(members), r.d.maxResults)
	}
	if err != nil {
		return reply{}, fromCore(err, subjectGroup, groupDN)
	}
	out := make([]memberView, 0, len(members))
	for _, m := range members {
		out = append(out, viewMember(m))
	}
	return reply{message: countMessage(len(out), "member"), data: out}, nil
}

// getUserGroupInfo: getusergroupinfo?userDN=…&FQDN=…: the groups the user
// is a direct member of (Active Directory's memberOf).
func (r *request) getUserGroupInfo() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	userDN, err := dn(r.in, "userDN", dom)
	if err != nil {
		return reply{}, err
	}
	groups, err := dom.MemberOf(r.ctx, r.caller, directory.UserRef(directory.ByDN(userDN)), false)
	if err == nil {
		err = dialect.CheckResults(len(groups), r.d.maxResults)
	}
	if err != nil {
		return reply{}, fromCore(err, subjectUser, userDN)
	}
	out := make([]groupView, 0, len(groups))
	for _, m := range groups {
		out = append(out, viewGroup(m.Group))
	}
	return reply{message: countMessage(len(out), "group"), data: out}, nil
}
