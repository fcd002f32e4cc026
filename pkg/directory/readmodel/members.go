package readmodel

import (
	"context"
	"slices"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Memberships from the model, walked as the LDAP backend walks them
// (pkg/directory/ldap/members.go): breadth first, each principal once,
// cycles ending the walk. Only where groups hold DNs (groupOfNames); a
// memberUid model goes to the directory.

// Members lists a group's members from the model.
func (d *Directory) Members(ctx context.Context, group directory.Ref, indirect bool) ([]directory.Member, error) {
	if d.shape.MembersByDN && !(indirect && d.shape.ServerOrderedIndirect) && d.answers(ctx) {
		d.st.mu.RLock()
		out, err := d.st.members(group, indirect, d.base)
		d.st.mu.RUnlock()
		if d.tally(err) {
			return out, err
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.Members(ctx, group, indirect)
}

// MemberOf lists the groups of a user or group from the model.
func (d *Directory) MemberOf(ctx context.Context, member directory.PrincipalRef, indirect bool) ([]directory.Membership, error) {
	if d.shape.MembersByDN && d.answers(ctx) {
		d.st.mu.RLock()
		out, err := d.st.memberOf(member, indirect, d.shape.Nested, d.base)
		d.st.mu.RUnlock()
		if d.tally(err) {
			return out, err
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.MemberOf(ctx, member, indirect)
}

func (s *store) members(ref directory.Ref, indirect bool, base string) ([]directory.Member, error) {
	g, err := s.find(KindGroup, ref, base)
	if err != nil {
		return nil, err
	}
	var out []directory.Member
	seen := map[string]int{}
	start := g.dnKey
	visited := map[string]bool{start: true}
	queue := []*Entry{g}
	for depth := 0; len(queue) > 0; depth++ {
		var next []*Entry
		for _, ge := range queue {
			for _, v := range ge.Members {
				if v == "" || !directory.IsUnder(v, base) {
					continue
				}
				e := s.byDNEntry(v)
				if e == nil || (e.Kind != KindUser && e.Kind != KindGroup) {
					continue
				}
				k := e.dnKey
				if k == start {
					continue
				}
				if i, ok := seen[k]; ok {
					out[i].Direct = out[i].Direct || depth == 0
				} else {
					seen[k] = len(out)
					out = append(out, directory.Member{Principal: principalOf(e), Direct: depth == 0})
				}
				if indirect && e.Kind == KindGroup && !visited[k] {
					visited[k] = true
					next = append(next, e)
				}
			}
		}
		queue = next
	}
	return out, nil
}

func principalOf(e *Entry) directory.Principal {
	if e.Kind == KindUser {
		u := e.user()
		return directory.Principal{Type: directory.PrincipalUser, ID: e.ID, DN: e.DN, Name: u.Username,
			DisplayName: u.DisplayName, System: u.System}
	}
	return directory.Principal{Type: directory.PrincipalGroup, ID: e.ID, DN: e.DN, Name: e.Group.Name,
		DisplayName: e.Group.Name, System: e.Group.System}
}

func (s *store) memberOf(member directory.PrincipalRef, indirect, nested bool, base string) ([]directory.Membership, error) {
	var self *Entry
	var err error
	switch member.Type {
	case directory.PrincipalUser:
		self, err = s.find(KindUser, member.Ref, base)
	case directory.PrincipalGroup:
		self, err = s.find(KindGroup, member.Ref, base)
		if err == nil && !nested {
			return nil, nil
		}
	default:
		return nil, errRoute
	}
	if err != nil {
		return nil, err
	}
	var out []directory.Membership
	seen := map[string]bool{self.dnKey: true}
	frontier := []string{self.dnKey}
	for depth := 0; len(frontier) > 0; depth++ {
		var next []string
		for _, k := range frontier {
			var buf [1]string
			for _, id := range s.holders.get(k, &buf) {
				g := s.byID[id]
				if g == nil || seen[g.dnKey] {
					continue
				}
				seen[g.dnKey] = true
				out = append(out, directory.Membership{Group: *g.Group, Direct: depth == 0})
				next = append(next, g.dnKey)
			}
		}
		if !indirect || !nested {
			break
		}
		frontier = next
	}
	// The backend sorts by name, and leaves the order of equal names to
	// the server's: the model cannot know it.
	slices.SortFunc(out, func(a, b directory.Membership) int {
		return strings.Compare(strings.ToLower(a.Group.Name), strings.ToLower(b.Group.Name))
	})
	for i := 1; i < len(out); i++ {
		if strings.EqualFold(out[i-1].Group.Name, out[i].Group.Name) {
			return nil, errRoute
		}
	}
	return out, nil
}
