package identity

import (
	"context"
	"fmt"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

func (d *Domain) groupTarget(ctx context.Context, c Caller, op Operation, ref directory.Ref) (directory.Ref, string, error) {
	return d.authorize(ctx, c, op, "group", ref, func(ctx context.Context, r directory.Ref) (string, string, error) {
		g, err := d.dir.GetGroup(ctx, r)
		if err != nil {
			return "", "", err
		}
		return g.ID, g.DN, nil
	})
}

// principalTarget authorizes op on a member principal (a user or group).
func (d *Domain) principalTarget(ctx context.Context, c Caller, op Operation, p directory.PrincipalRef) (directory.PrincipalRef, error) {
	var err error
	switch p.Type {
	case directory.PrincipalUser:
		p.Ref, _, err = d.userTarget(ctx, c, op, p.Ref)
	case directory.PrincipalGroup:
		p.Ref, _, err = d.groupTarget(ctx, c, op, p.Ref)
	default:
		err = invalid("principalType", "must be user or group")
	}
	return p, err
}

// GetGroup reads one group.
func (d *Domain) GetGroup(ctx context.Context, c Caller, ref directory.Ref) (*directory.Group, error) {
	if !ref.Valid() {
		return nil, invalid("group", "is required")
	}
	if err := c.Scope.allows(OpGroupRead, ""); err != nil {
		return nil, err
	}
	g, err := d.dir.GetGroup(ctx, ref)
	if err != nil {
		return nil, d.finish(c, OpGroupRead, ref.String(), err)
	}
	if err := c.Scope.allows(OpGroupRead, g.DN); err != nil {
		return nil, err
	}
	return g, nil
}

// SearchGroups runs a group search inside the caller's scope.
func (d *Domain) SearchGroups(ctx context.Context, c Caller, q directory.Query) (directory.Page[directory.Group], error) {
	if err := directory.Validate(q.Filter, directory.GroupFields); err != nil {
		return directory.Page[directory.Group]{}, err
	}
	if c.Scope.Self != "" {
		// A user acting on itself lists its groups through MemberOf.
		return directory.Page[directory.Group]{}, forbidden("may only act on its own account")
	}
	scoped, err := d.scopeQuery(c, OpGroupRead, q)
	if err != nil {
		return directory.Page[directory.Group]{}, err
	}
	page, err := d.dir.SearchGroups(ctx, scoped)
	return page, d.finish(c, OpGroupRead, scoped.Base, err)
}

// CreateGroup validates and creates a group, allocating its gidNumber when
// none is given. Initial members are added in the same change.
func (d *Domain) CreateGroup(ctx context.Context, c Caller, in directory.NewGroup) (*directory.Group, error) {
	if in.ParentDN == "" {
		in.ParentDN = d.cfg.GroupsDN
	}
	target := fmt.Sprintf("%q in %s", in.Name, in.ParentDN)
	if err := d.validateNewGroup(in); err != nil {
		return nil, d.finish(c, OpGroupCreate, target, err)
	}
	if err := c.Scope.allows(OpGroupCreate, in.ParentDN); err != nil {
		return nil, d.finish(c, OpGroupCreate, target, err)
	}
	for i, m := range in.Members {
		p, err := d.principalTarget(ctx, c, OpGroupMemberAdd, m)
		if err != nil {
			return nil, d.finish(c, OpGroupCreate, target, err)
		}
		in.Members[i] = p
	}
	if in.GIDNumber == 0 {
		n, err := d.dir.AllocateID(ctx, directory.GIDSequence, d.cfg.GIDRange)
		if err != nil {
			return nil, d.finish(c, OpGroupCreate, target, err)
		}
		in.GIDNumber = n
	} else if err := d.numberFree(ctx, directory.GIDSequence, in.GIDNumber); err != nil {
		return nil, d.finish(c, OpGroupCreate, target, err)
	}
	g, err := d.dir.CreateGroup(ctx, in)
	if err == nil {
		target = g.DN
	}
	return g, d.finish(c, OpGroupCreate, target, err)
}

func (d *Domain) validateNewGroup(in directory.NewGroup) error {
	if err := checkName("name", in.Name, d.cfg.Names.MaxLength); err != nil {
		return err
	}
	if err := d.checkInDomain("parent", in.ParentDN); err != nil {
		return err
	}
	if err := checkText("description", in.Description); err != nil {
		return err
	}
	return checkText("externalId", in.ExternalID)
}

// UpdateGroup applies a patch.
func (d *Domain) UpdateGroup(ctx context.Context, c Caller, ref directory.Ref, p directory.GroupPatch) (*directory.Group, error) {
	ref, target, err := d.groupTarget(ctx, c, OpGroupUpdate, ref)
	if err != nil {
		return nil, d.finish(c, OpGroupUpdate, target, err)
	}
	for name, v := range map[string]*string{"description": p.Description, "externalId": p.ExternalID} {
		if v != nil {
			if err := checkText(name, *v); err != nil {
				return nil, d.finish(c, OpGroupUpdate, target, err)
			}
		}
	}
	g, err := d.dir.UpdateGroup(ctx, ref, p)
	return g, d.finish(c, OpGroupUpdate, target, err)
}

// RenameGroup changes a group's name.
func (d *Domain) RenameGroup(ctx context.Context, c Caller, ref directory.Ref, newName string) (*directory.Group, error) {
	ref, target, err := d.groupTarget(ctx, c, OpGroupRename, ref)
	if err != nil {
		return nil, d.finish(c, OpGroupRename, target, err)
	}
	if err := checkName("name", newName, d.cfg.Names.MaxLength); err != nil {
		return nil, d.finish(c, OpGroupRename, target, err)
	}
	g, err := d.dir.RenameGroup(ctx, ref, newName)
	return g, d.finish(c, OpGroupRename, target, err)
}

// DeleteGroup deletes a group.
func (d *Domain) DeleteGroup(ctx context.Context, c Caller, ref directory.Ref) error {
	ref, target, err := d.groupTarget(ctx, c, OpGroupDelete, ref)
	if err != nil {
		return d.finish(c, OpGroupDelete, target, err)
	}
	return d.finish(c, OpGroupDelete, target, d.dir.DeleteGroup(ctx, ref))
}

// AddMember adds a user or group to a group.
func (d *Domain) AddMember(ctx context.Context, c Caller, group directory.Ref, member directory.PrincipalRef) error {
	return d.changeMember(ctx, c, OpGroupMemberAdd, group, member, d.dir.AddMember)
}

// RemoveMember removes a direct member from a group.
func (d *Domain) RemoveMember(ctx context.Context, c Caller, group directory.Ref, member directory.PrincipalRef) error {
	return d.changeMember(ctx, c, OpGroupMemberRemove, group, member, d.dir.RemoveMember)
}

func (d *Domain) changeMember(ctx context.Context, c Caller, op Operation, group directory.Ref, member directory.PrincipalRef,
	change func(context.Context, directory.Ref, directory.PrincipalRef) error) error {
	group, target, err := d.groupTarget(ctx, c, op, group)
	if err != nil {
		return d.finish(c, op, target, err)
	}
	if !member.Ref.Valid() {
		return d.finish(c, op, target, invalid("member", "is required"))
	}
	member, err = d.principalTarget(ctx, c, op, member)
	if err != nil {
		return d.finish(c, op, target, err)
	}
	return d.finish(c, op, target+" member "+member.Ref.String(), change(ctx, group, member))
}

// Members lists a group's members, direct and (with indirect) nested.
func (d *Domain) Members(ctx context.Context, c Caller, group directory.Ref, indirect bool) ([]directory.Member, error) {
	group, _, err := d.groupTarget(ctx, c, OpGroupRead, group)
	if err != nil {
		return nil, err
	}
	return d.dir.Members(ctx, group, indirect)
}

// MemberOf lists the groups a user or group belongs to.
func (d *Domain) MemberOf(ctx context.Context, c Caller, p directory.PrincipalRef, indirect bool) ([]directory.Membership, error) {
	op := OpUserRead
	if p.Type == directory.PrincipalGroup {
		op = OpGroupRead
	}
	p, err := d.principalTarget(ctx, c, op, p)
	if err != nil {
		return nil, err
	}
	return d.dir.MemberOf(ctx, p, indirect)
}

// IsMember reports whether a user belongs to the group (directly or
// through nesting). A group that does not exist has no members.
func (d *Domain) IsMember(ctx context.Context, user directory.Ref, groupName string) (bool, error) {
	groups, err := d.dir.MemberOf(ctx, directory.UserRef(user), true)
	if err != nil {
		return false, err
	}
	for _, m := range groups {
		if strings.EqualFold(m.Group.Name, groupName) {
			return true, nil
		}
	}
	return false, nil
}
