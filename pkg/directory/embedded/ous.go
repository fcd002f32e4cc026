package embedded

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/dirgate/dirgate/pkg/directory"
)

// CreateOU adds an OU below the base or another OU.
func (d *Directory) CreateOU(ctx context.Context, no directory.NewOU) (*directory.OU, error) {
	if err := checkName("OU name", no.Name); err != nil {
		return nil, err
	}
	if err := checkTexts(map[string]string{"description": no.Description, "street": no.Street, "city": no.City,
		"state": no.State, "postalCode": no.PostalCode, "country": no.Country}); err != nil {
		return nil, err
	}
	var out directory.OU
	err := d.write(ctx, func(x *txn) error {
		parent, err := x.s.container("parent", no.ParentDN)
		if err != nil {
			return err
		}
		o := &ouRec{ID: uuid.NewString(), Parent: parent, Name: no.Name, Description: no.Description,
			Street: no.Street, City: no.City, State: no.State, PostalCode: no.PostalCode, Country: no.Country,
			Protected: no.Protected}
		o.DN = directory.ChildDN("ou", o.Name, x.s.dnOf(parent))
		if err := x.s.dnFree(o.DN, ""); err != nil {
			return err
		}
		o.Created = d.now()
		o.Modified = o.Created
		x.putOU(o)
		out = o.model()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// GetOU finds an OU by id or DN.
func (d *Directory) GetOU(ctx context.Context, ref directory.Ref) (*directory.OU, error) {
	var out directory.OU
	err := d.read(ctx, func(s *state) error {
		o, err := s.ou(ref)
		if err != nil {
			return err
		}
		out = o.model()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// lookupDN finds the entry a DN names, refusing DNs outside the domain.
func (s *state) lookupDN(dn string) (string, error) {
	if _, err := s.parseDN("DN", dn); err != nil {
		return "", err
	}
	id, ok, _ := s.idByDN(dn)
	if !ok {
		return "", fmt.Errorf("%w: %s", directory.ErrNotFound, dn)
	}
	return id, nil
}

// ListOUs lists the OUs below base in DN order: depth first, parents
// before their children, siblings by name.
func (d *Directory) ListOUs(ctx context.Context, base string, scope directory.Scope) ([]directory.OU, error) {
	var out []directory.OU
	err := d.read(ctx, func(s *state) error {
		root := s.base.ID
		if base != "" {
			var err error
			if root, err = s.lookupDN(base); err != nil {
				return err
			}
		}
		var walk func(id string)
		walk = func(id string) {
			for _, o := range s.childOUs(id) {
				out = append(out, o.model())
				if scope == directory.ScopeSubtree {
					walk(o.ID)
				}
			}
		}
		walk(root)
		return nil
	})
	return out, err
}

// childOUs lists the OUs directly below id, by name.
func (s *state) childOUs(id string) []*ouRec {
	var out []*ouRec
	for kid := range s.subOUs[id] {
		out = append(out, s.ous[kid])
	}
	slices.SortFunc(out, func(a, b *ouRec) int { return cmp.Or(cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.ID, b.ID)) })
	return out
}

// entryOrder sorts entries OUs first, then groups, then users, each by
// name.
func entryOrder(a, b directory.Entry) int {
	rank := map[directory.EntryType]int{directory.EntryOU: 0, directory.EntryGroup: 1, directory.EntryUser: 2}
	return cmp.Or(cmp.Compare(rank[a.Type], rank[b.Type]), cmp.Compare(fold(a.Name), fold(b.Name)), cmp.Compare(a.ID, b.ID))
}

// Children lists the direct children of any entry.
func (d *Directory) Children(ctx context.Context, dn string) ([]directory.Entry, error) {
	var out []directory.Entry
	err := d.read(ctx, func(s *state) error {
		id, err := s.lookupDN(dn)
		if err != nil {
			return err
		}
		for kid := range s.children[id] {
			if e, _, ok := s.entry(kid); ok {
				out = append(out, e)
			}
		}
		return nil
	})
	slices.SortFunc(out, entryOrder)
	return out, err
}

// DeleteOU removes an OU; with recursive everything below it too, in one
// change, unless an OU anywhere in the subtree is protected.
func (d *Directory) DeleteOU(ctx context.Context, ref directory.Ref, recursive bool) error {
	return d.write(ctx, func(x *txn) error {
		o, err := x.s.ou(ref)
		if err != nil {
			return err
		}
		if o.Protected {
			return fmt.Errorf("%w: OU %s", directory.ErrProtected, o.DN)
		}
		if len(x.s.children[o.ID]) > 0 && !recursive {
			return fmt.Errorf("%w: OU %s has %d children", directory.ErrNotEmpty, o.DN, len(x.s.children[o.ID]))
		}
		ids := x.s.subtree(o.ID)
		for _, id := range ids {
			if sub, ok := x.s.ous[id]; ok && sub.Protected {
				return fmt.Errorf("%w: OU %s lies below %s", directory.ErrProtected, sub.DN, o.DN)
			}
		}
		// Children first, so that every entry deleted had its parent still.
		now := d.now()
		for i := len(ids) - 1; i >= 0; i-- {
			id := ids[i]
			switch {
			case x.s.users[id] != nil:
				x.dropMemberships(id, now)
				x.deleteUser(x.s.users[id])
			case x.s.groups[id] != nil:
				x.dropMemberships(id, now)
				x.deleteGroup(x.s.groups[id])
			case x.s.ous[id] != nil:
				x.deleteOU(x.s.ous[id])
			}
		}
		return nil
	})
}

// Resolve finds every user, group and OU called name.
func (d *Directory) Resolve(ctx context.Context, name string) ([]directory.Entry, error) {
	out := []directory.Entry{}
	err := d.read(ctx, func(s *state) error {
		key := fold(name)
		if id, ok := s.userNames[key]; ok {
			e, _, _ := s.entry(id)
			out = append(out, e)
		}
		if id, ok := s.groupNames[key]; ok {
			e, _, _ := s.entry(id)
			out = append(out, e)
		}
		for _, o := range s.ous {
			if fold(o.Name) == key {
				out = append(out, directory.Entry{Type: directory.EntryOU, ID: o.ID, DN: o.DN, Name: o.Name})
			}
		}
		return nil
	})
	slices.SortFunc(out, entryOrder)
	return out, err
}
