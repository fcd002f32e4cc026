package embedded

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/dirgate/dirgate/pkg/directory"
)

// CreateGroup adds a group with its first members in one change.
func (d *Directory) CreateGroup(ctx context.Context, ng directory.NewGroup) (*directory.Group, error) {
	if err := checkName("group name", ng.Name); err != nil {
		return nil, err
	}
	if err := checkTexts(map[string]string{"description": ng.Description, "externalId": ng.ExternalID}); err != nil {
		return nil, err
	}
	if err := checkNumber("gidNumber", ng.GIDNumber); err != nil {
		return nil, err
	}
	var out directory.Group
	err := d.write(ctx, func(x *txn) error {
		parent, err := x.s.container("parent", ng.ParentDN)
		if err != nil {
			return err
		}
		if err := x.s.groupNameFree(ng.Name, ""); err != nil {
			return err
		}
		if err := x.s.gidNumberFree(ng.GIDNumber, ""); err != nil {
			return err
		}
		g := &groupRec{ID: uuid.NewString(), Parent: parent, Name: ng.Name, GIDNumber: ng.GIDNumber,
			Description: ng.Description, ExternalID: ng.ExternalID, System: ng.System}
		g.DN = directory.ChildDN("cn", g.Name, x.s.dnOf(parent))
		if err := x.s.dnFree(g.DN, ""); err != nil {
			return err
		}
		for _, m := range ng.Members {
			id, _, err := x.s.principal(m)
			if err != nil {
				return fmt.Errorf("member: %w", err)
			}
			if !slices.Contains(g.Members, id) {
				g.Members = append(g.Members, id)
			}
		}
		g.Created = d.now()
		g.Modified = g.Created
		x.putGroup(g)
		out = g.model()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

func (s *state) groupNameFree(name, self string) error {
	if id, ok := s.groupNames[fold(name)]; ok && id != self {
		return fmt.Errorf("%w: the group name %q is taken", directory.ErrAlreadyExists, name)
	}
	return nil
}

func (s *state) gidNumberFree(n int64, self string) error {
	if id, ok := s.gidNumbers[n]; ok && n > 0 && id != self {
		return fmt.Errorf("%w: gidNumber %d is taken", directory.ErrAlreadyExists, n)
	}
	return nil
}

// GetGroup finds a group by id, DN, name or gidNumber.
func (d *Directory) GetGroup(ctx context.Context, ref directory.Ref) (*directory.Group, error) {
	var out directory.Group
	err := d.read(ctx, func(s *state) error {
		g, err := s.group(ref)
		if err != nil {
			return err
		}
		out = g.model()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// UpdateGroup applies a patch (see UpdateUser).
func (d *Directory) UpdateGroup(ctx context.Context, ref directory.Ref, p directory.GroupPatch) (*directory.Group, error) {
	for what, v := range map[string]*string{"description": p.Description, "externalId": p.ExternalID} {
		if v != nil {
			if err := checkText(what, *v); err != nil {
				return nil, err
			}
		}
	}
	if p.GIDNumber != nil {
		if err := checkNumber("gidNumber", *p.GIDNumber); err != nil {
			return nil, err
		}
	}
	return d.changeGroup(ctx, ref, p.IsEmpty(), func(s *state, g *groupRec) error {
		if p.GIDNumber != nil {
			if err := s.gidNumberFree(*p.GIDNumber, g.ID); err != nil {
				return err
			}
			g.GIDNumber = *p.GIDNumber
		}
		if p.Description != nil {
			g.Description = *p.Description
		}
		if p.ExternalID != nil {
			g.ExternalID = *p.ExternalID
		}
		if p.System != nil {
			g.System = *p.System
		}
		return nil
	})
}

// RenameGroup changes the name and the RDN; id and memberships stay.
func (d *Directory) RenameGroup(ctx context.Context, ref directory.Ref, newName string) (*directory.Group, error) {
	if err := checkName("group name", newName); err != nil {
		return nil, err
	}
	return d.changeGroup(ctx, ref, false, func(s *state, g *groupRec) error {
		if err := s.groupNameFree(newName, g.ID); err != nil {
			return err
		}
		g.Name = newName
		g.DN = directory.ChildDN("cn", newName, s.dnOf(g.Parent))
		return s.dnFree(g.DN, g.ID)
	})
}

// changeGroup applies change to a copy of the group and stores it; with
// noop set it only reads.
func (d *Directory) changeGroup(ctx context.Context, ref directory.Ref, noop bool, change func(s *state, g *groupRec) error) (*directory.Group, error) {
	var out directory.Group
	err := d.write(ctx, func(x *txn) error {
		old, err := x.s.group(ref)
		if err != nil {
			return err
		}
		if noop {
			out = old.model()
			return nil
		}
		g := old.clone()
		if err := change(x.s, g); err != nil {
			return err
		}
		g.Modified = d.now()
		x.putGroup(g)
		out = g.model()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteGroup removes the group, its member list and its memberships.
func (d *Directory) DeleteGroup(ctx context.Context, ref directory.Ref) error {
	return d.write(ctx, func(x *txn) error {
		g, err := x.s.group(ref)
		if err != nil {
			return err
		}
		x.dropMemberships(g.ID, d.now())
		x.deleteGroup(x.s.groups[g.ID])
		return nil
	})
}

// AddMember adds a user or group; a present member is left as it is.
func (d *Directory) AddMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	return d.write(ctx, func(x *txn) error {
		old, err := x.s.group(group)
		if err != nil {
			return err
		}
		id, _, err := x.s.principal(member)
		if err != nil {
			return fmt.Errorf("member: %w", err)
		}
		if id == old.ID {
			return invalid("group %s cannot be a member of itself", old.Name)
		}
		if slices.Contains(old.Members, id) {
			return nil
		}
		g := old.clone()
		g.Members = append(g.Members, id)
		g.Modified = d.now()
		x.putGroup(g)
		return nil
	})
}

// RemoveMember removes a direct member; an absent one is ErrNotFound.
func (d *Directory) RemoveMember(ctx context.Context, group directory.Ref, member directory.PrincipalRef) error {
	return d.write(ctx, func(x *txn) error {
		old, err := x.s.group(group)
		if err != nil {
			return err
		}
		id, _, err := x.s.principal(member)
		if err != nil {
			return fmt.Errorf("member: %w", err)
		}
		if !slices.Contains(old.Members, id) {
			return fmt.Errorf("%w: %s %s is not a member of %s", directory.ErrNotFound, member.Type, member.Ref, old.Name)
		}
		g := old.clone()
		g.Members = slices.DeleteFunc(g.Members, func(m string) bool { return m == id })
		g.Modified = d.now()
		x.putGroup(g)
		return nil
	})
}

// Members lists a group's members, with indirect those of nested groups
// too. Each principal appears once, Direct when the group lists it
// itself; the group never appears as its own member. The walk visits each
// group once, so cycles end it.
func (d *Directory) Members(ctx context.Context, group directory.Ref, indirect bool) ([]directory.Member, error) {
	var out []directory.Member
	err := d.read(ctx, func(s *state) error {
		g, err := s.group(group)
		if err != nil {
			return err
		}
		seen := map[string]bool{g.ID: true}
		visited := map[string]bool{g.ID: true}
		add := func(id string, direct bool) {
			if seen[id] {
				return
			}
			if p, ok := s.principalOf(id); ok {
				seen[id] = true
				out = append(out, directory.Member{Principal: p, Direct: direct})
			}
		}
		for _, m := range g.Members {
			add(m, true)
		}
		if indirect {
			queue := slices.Clone(g.Members)
			for len(queue) > 0 {
				id := queue[0]
				queue = queue[1:]
				nested, ok := s.groups[id]
				if !ok || visited[id] {
					continue
				}
				visited[id] = true
				for _, m := range nested.Members {
					add(m, false)
					queue = append(queue, m)
				}
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b directory.Member) int {
		return cmp.Or(cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.Type, b.Type), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}

// MemberOf lists the groups a principal belongs to, with indirect also
// through nesting; a group is never listed among its own memberships.
func (d *Directory) MemberOf(ctx context.Context, member directory.PrincipalRef, indirect bool) ([]directory.Membership, error) {
	var out []directory.Membership
	err := d.read(ctx, func(s *state) error {
		id, _, err := s.principal(member)
		if err != nil {
			return err
		}
		seen := map[string]bool{id: true}
		var queue []string
		for gid := range s.memberOf[id] {
			seen[gid] = true
			out = append(out, directory.Membership{Group: s.groups[gid].model(), Direct: true})
			queue = append(queue, gid)
		}
		for indirect && len(queue) > 0 {
			gid := queue[0]
			queue = queue[1:]
			for parent := range s.memberOf[gid] {
				if seen[parent] {
					continue
				}
				seen[parent] = true
				out = append(out, directory.Membership{Group: s.groups[parent].model()})
				queue = append(queue, parent)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b directory.Membership) int {
		return cmp.Or(cmp.Compare(fold(a.Group.Name), fold(b.Group.Name)), cmp.Compare(a.Group.ID, b.Group.ID))
	})
	return out, err
}
