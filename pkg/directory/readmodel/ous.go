package readmodel

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"
	"github.com/google/uuid"

	"github.com/dirgate/dirgate/pkg/directory"
)

// The OU reads and the tree, answered from the model as the LDAP backend
// answers them (pkg/directory/ldap/ous.go): entries in CompareDN order,
// names as its toEntry gives them. They need a feed that streams the
// whole tree (Shape.Tree); anything the backend would refuse or not find
// at its base — an invalid DN, one outside the base, a base the model
// does not hold — goes to it, so that the error is its own.

// GetOU finds an OU in the model by id or DN.
func (d *Directory) GetOU(ctx context.Context, ref directory.Ref) (*directory.OU, error) {
	if d.shape.Tree && d.answers(ctx) {
		d.st.mu.RLock()
		e, err := d.st.findOU(ref, d.base)
		var o directory.OU
		if err == nil {
			o = *e.OU
		}
		d.st.mu.RUnlock()
		if d.tally(err) {
			if err != nil {
				return nil, err
			}
			return &o, nil
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.GetOU(ctx, ref)
}

// ListOUs lists the OUs below base from the model.
func (d *Directory) ListOUs(ctx context.Context, base string, scope directory.Scope) ([]directory.OU, error) {
	if d.shape.Tree && d.answers(ctx) {
		d.st.mu.RLock()
		out, err := d.st.listOUs(base, scope, d.base)
		d.st.mu.RUnlock()
		if d.tally(err) {
			return out, err
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.ListOUs(ctx, base, scope)
}

// Children lists an entry's direct children from the model.
func (d *Directory) Children(ctx context.Context, dn string) ([]directory.Entry, error) {
	if d.shape.Tree && d.answers(ctx) {
		d.st.mu.RLock()
		out, err := d.st.childrenOf(dn)
		d.st.mu.RUnlock()
		if d.tally(err) {
			return out, err
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.Children(ctx, dn)
}

// Resolve finds the users, groups and OUs called name in the model.
func (d *Directory) Resolve(ctx context.Context, name string) ([]directory.Entry, error) {
	if d.shape.Tree && d.answers(ctx) {
		d.st.mu.RLock()
		out, err := d.st.resolve(name)
		d.st.mu.RUnlock()
		if d.tally(err) {
			return out, err
		}
	} else {
		d.routed.Add(1)
	}
	return d.Directory.Resolve(ctx, name)
}

// findOU resolves a ref to an OU as the backend's lookup does: by id or
// DN; any other ref is the backend's to refuse.
func (s *store) findOU(ref directory.Ref, base string) (*Entry, error) {
	if !ref.Valid() {
		return nil, errRoute
	}
	var e *Entry
	switch ref.Kind {
	case directory.RefID:
		u, err := uuid.Parse(ref.Value)
		if err != nil {
			return nil, errRoute
		}
		e = s.byID[strings.ToLower(u.String())]
	case directory.RefDN:
		// Every entry of the model lies under the base, and the backend
		// finds none outside it either.
		key, err := s.key(ref.Value)
		if err != nil {
			return nil, errRoute
		}
		if id, ok := s.byDN[key]; ok {
			e = s.byID[id]
		}
	default:
		return nil, errRoute
	}
	if e == nil || e.Kind != KindOU {
		return nil, fmt.Errorf("%w: OU %s", directory.ErrNotFound, ref)
	}
	return e, nil
}

// container returns the key of a DN to list under, or errRoute when the
// backend's answer would be an error: an invalid DN, or no entry there
// (the model holds every entry under the base, and none outside).
func (s *store) container(dn string) (string, error) {
	key, err := s.key(dn)
	if err != nil || s.byDN[key] == "" {
		return "", errRoute
	}
	return key, nil
}

// key is a DN's comparison key. A DN already in normal form that the
// model holds is its own key: no parse.
func (s *store) key(dn string) (string, error) {
	if _, ok := s.byDN[dn]; ok {
		return dn, nil
	}
	return directory.NormalizeDN(dn)
}

// listOUs lists the OUs below base (not base itself) in DN order.
func (s *store) listOUs(base string, scope directory.Scope, domainBase string) ([]directory.OU, error) {
	if base == "" {
		base = domainBase
	}
	key, err := s.container(base)
	if err != nil {
		return nil, err
	}
	var out []directory.OU
	for id := range s.ous {
		e := s.byID[id]
		if e == nil || e.dnKey == key {
			continue
		}
		if scope == directory.ScopeOneLevel && e.parentKey != key ||
			scope != directory.ScopeOneLevel && !keyBelow(e.dnKey, key) {
			continue
		}
		out = append(out, *e.OU)
	}
	sortByDN(out, func(o directory.OU) string { return o.DN })
	return out, nil
}

// childrenOf lists the entries directly under dn in DN order.
func (s *store) childrenOf(dn string) ([]directory.Entry, error) {
	key, err := s.container(dn)
	if err != nil {
		return nil, err
	}
	var out []directory.Entry
	for id := range s.children[key] {
		out = append(out, s.byID[id].entry())
	}
	sortByDN(out, func(e directory.Entry) string { return e.DN })
	return out, nil
}

// resolve finds the users, groups and OUs whose name (any value of it)
// equals name as the server matches it.
func (s *store) resolve(name string) ([]directory.Entry, error) {
	key, ok := assertionKey(name, true)
	if !ok || s.unsureNames > 0 || s.nameSlot[KindUser] < 0 || s.nameSlot[KindGroup] < 0 {
		return nil, errRoute // an empty name is the backend's to refuse
	}
	var out []directory.Entry
	var buf [1]string
	for _, kind := range []Kind{KindUser, KindGroup} {
		for _, id := range s.names[kind].get(key, &buf) {
			if e := s.byID[id]; e != nil {
				out = append(out, e.entry())
			}
		}
	}
	slot := fieldSlots[directory.FieldName]
	for id := range s.ous {
		e := s.byID[id]
		for _, v := range e.field(slot) {
			k, sure := textKey(v, true)
			if !sure {
				return nil, errRoute
			}
			if k == key {
				out = append(out, e.entry())
				break
			}
		}
	}
	sortByDN(out, func(e directory.Entry) string { return e.DN })
	return out, nil
}

// entry is the type, id, DN and name of an entry, as the backend's
// toEntry gives them: the first value of the name, or else the value of
// the first RDN.
func (e *Entry) entry() directory.Entry {
	out := directory.Entry{Type: directory.EntryOther, ID: e.ID, DN: e.DN}
	switch e.Kind {
	case KindUser:
		out.Type, out.Name = directory.EntryUser, e.user().Username
	case KindGroup:
		out.Type, out.Name = directory.EntryGroup, e.Group.Name
	case KindOU:
		out.Type, out.Name = directory.EntryOU, e.OU.Name
	}
	if out.Name == "" {
		out.Name, _ = directory.FirstRDNValue(e.DN)
	}
	return out
}

// sortByDN sorts items in directory.CompareDN's order of their DNs, each
// DN parsed once (CompareDN parses both of its DNs at every comparison:
// most of a listing's time).
func sortByDN[T any](items []T, dnOf func(T) string) {
	if len(items) < 2 {
		return
	}
	type keyed struct {
		rdns []string // lower-cased, from the root down
		item T
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		ks[i] = keyed{rdns: treeKey(dnOf(it)), item: it}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		for i := 0; i < len(a.rdns) && i < len(b.rdns); i++ {
			if c := strings.Compare(a.rdns[i], b.rdns[i]); c != 0 {
				return c
			}
		}
		return len(a.rdns) - len(b.rdns)
	})
	for i := range ks {
		items[i] = ks[i].item
	}
}

// treeKey is a DN's RDNs from the root down as CompareDN compares them:
// each formatted alone and lower-cased. The model's DNs all parse (the
// server sent them).
func treeKey(dn string) []string {
	p, err := directory.ParseDN(dn)
	if err != nil {
		return []string{strings.ToLower(dn)}
	}
	out := make([]string, len(p.RDNs))
	for i, rdn := range p.RDNs {
		out[len(p.RDNs)-1-i] = strings.ToLower(directory.FormatDN(&ldap.DN{RDNs: []*ldap.RelativeDN{rdn}}))
	}
	return out
}

// keyBelow reports whether the DN key k lies below the DN key base: it
// ends with a comma and base, the comma not an escaped one of a value
// ("ou=a\,ou=b,dc=x" is one RDN under dc=x, not below ou=b,dc=x).
func keyBelow(k, base string) bool {
	rest, ok := strings.CutSuffix(k, ","+base)
	if !ok {
		return false
	}
	slashes := len(rest) - len(strings.TrimRight(rest, `\`))
	return slashes%2 == 0
}
