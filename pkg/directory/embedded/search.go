package embedded

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// inScope reports whether an entry (by id and parent id) lies in a
// search's scope; nil means everything does.
type inScope func(id, parent string) bool

// scope resolves a search base and scope.
func (s *state) scope(base string, scope directory.Scope) (inScope, error) {
	root := s.base.ID
	if base != "" {
		var err error
		if root, err = s.lookupDN(base); err != nil {
			return nil, err
		}
	}
	switch {
	case scope == directory.ScopeOneLevel:
		return func(_, parent string) bool { return parent == root }, nil
	case root == s.base.ID:
		return nil, nil
	default:
		// The base itself is in a subtree search: a user's own DN as the
		// base finds that user.
		under := s.containersUnder(root)
		return func(id, parent string) bool { return id == root || under[parent] }, nil
	}
}

// window cuts a page out of the sorted matches.
func window[R any](matches []R, offset, limit int) []R {
	if offset >= len(matches) {
		return nil
	}
	end := len(matches)
	if limit > 0 && offset+limit < end {
		end = offset + limit
	}
	return matches[offset:end]
}

// isUsernameOrder reports whether keys sort by username only, the order
// the state keeps ready.
func isUsernameOrder(keys []directory.SortKey) (ok, desc bool) {
	switch {
	case len(keys) == 0:
		return true, false
	case len(keys) == 1 && keys[0].Field == directory.FieldUsername:
		return true, keys[0].Descending
	}
	return false, false
}

// orderKey names a sort specification in the order cache; sorts whose
// order changes with the clock (by lock state) are not cached.
func orderKey(keys []directory.SortKey) (string, bool) {
	var b strings.Builder
	for _, k := range keys {
		if k.Field == directory.FieldLocked {
			return "", false
		}
		b.WriteString(string(k.Field))
		if k.Descending {
			b.WriteByte('-')
		}
		b.WriteByte(0)
	}
	return b.String(), true
}

// SearchUsers filters, sorts and pages the users in memory. The users are
// walked in the order asked for, kept ready (by username) or sorted once
// and cached until a user changes, so a page costs one pass over the users
// and no sort: paging through a listing does not sort it for every page.
func (d *Directory) SearchUsers(ctx context.Context, q directory.Query) (directory.Page[directory.User], error) {
	var page directory.Page[directory.User]
	if err := checkQuery(q, directory.UserFields); err != nil {
		return page, err
	}
	lookup := func(f directory.Field) (field[*userRec], bool) { return d.userField(d.ufields, f) }
	match, err := compile(q.Filter, lookup)
	if err != nil {
		return page, err
	}
	keys, err := compileSort(q.Sort, lookup)
	if err != nil {
		return page, err
	}
	byName, desc := isUsernameOrder(q.Sort)
	cacheKey, cacheable := orderKey(q.Sort)
	err = d.read(ctx, func(s *state) error {
		in, err := s.scope(q.Base, q.Scope)
		if err != nil {
			return err
		}
		now := d.now()
		keep := func(u *userRec) bool { return (in == nil || in(u.ID, u.Parent)) && (match == nil || match(u, now)) }
		var ordered []*userRec
		switch {
		case byName:
			ordered = s.sortedUsers()
		case cacheable:
			if ordered = s.orders.get(cacheKey); ordered == nil {
				ordered = slices.Clone(s.sortedUsers())
				sortBy(ordered, keys, now, compareUserKeys)
				s.orders.put(cacheKey, ordered)
			}
		default: // an order that changes with the clock: sort the matches
			var matches []*userRec
			for _, u := range s.sortedUsers() {
				if keep(u) {
					matches = append(matches, u)
				}
			}
			sortBy(matches, keys, now, compareUserKeys)
			ordered, match, in = matches, nil, nil
		}
		at := func(i int) *userRec {
			if byName && desc {
				return ordered[len(ordered)-1-i]
			}
			return ordered[i]
		}
		if match == nil && in == nil { // everything matches: cut the page out
			page.Total = len(ordered)
			for i := q.Offset; i < len(ordered) && (q.Limit == 0 || len(page.Items) < q.Limit); i++ {
				page.Items = append(page.Items, at(i).model(now, d.lockout.duration))
			}
			return nil
		}
		// One pass in the final order: count every match, convert only
		// those on the page.
		for i := range ordered {
			if i%4096 == 0 && ctx.Err() != nil {
				return unavailable(ctx.Err())
			}
			u := at(i)
			if !keep(u) {
				continue
			}
			if page.Total >= q.Offset && (q.Limit == 0 || len(page.Items) < q.Limit) {
				page.Items = append(page.Items, u.model(now, d.lockout.duration))
			}
			page.Total++
		}
		return nil
	})
	return page, err
}

func compareGroupKeys(a, b *groupRec) int {
	return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.ID, b.ID))
}

// SearchGroups filters, sorts (by name unless told) and pages the groups.
func (d *Directory) SearchGroups(ctx context.Context, q directory.Query) (directory.Page[directory.Group], error) {
	var page directory.Page[directory.Group]
	if err := checkQuery(q, directory.GroupFields); err != nil {
		return page, err
	}
	lookup := func(f directory.Field) (field[*groupRec], bool) { fl, ok := groupFields[f]; return fl, ok }
	match, err := compile(q.Filter, lookup)
	if err != nil {
		return page, err
	}
	keys, err := compileSort(q.Sort, lookup)
	if err != nil {
		return page, err
	}
	err = d.read(ctx, func(s *state) error {
		in, err := s.scope(q.Base, q.Scope)
		if err != nil {
			return err
		}
		now := d.now()
		var matches []*groupRec
		for _, g := range s.groups {
			if (in == nil || in(g.ID, g.Parent)) && (match == nil || match(g, now)) {
				matches = append(matches, g)
			}
		}
		sortBy(matches, keys, now, compareGroupKeys)
		page.Total = len(matches)
		for _, g := range window(matches, q.Offset, q.Limit) {
			page.Items = append(page.Items, g.model())
		}
		return nil
	})
	return page, err
}
