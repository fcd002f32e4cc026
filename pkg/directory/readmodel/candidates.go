package readmodel

import (
	"strings"

	"github.com/google/uuid"

	"github.com/dirgate/dirgate/pkg/directory"
)

// A search whose filter pins an identifying field — the user named x, the
// entry with this id or DN, the uidNumber n, as most dialects' lookups
// are — starts from the indexes instead of every entry (the LDAP
// backend's fewMatches, done here). The candidates are a superset of the
// matches: the whole filter is still evaluated on each.

// candidates returns the entries of kind that can match f, or false when
// f pins nothing the indexes know (then every entry is a candidate).
func (s *store) candidates(kind Kind, f directory.Filter) ([]*Entry, bool) {
	switch n := f.(type) {
	case directory.Cond:
		return s.pinned(kind, n)
	case directory.And:
		for _, c := range n {
			if es, ok := s.candidates(kind, c); ok {
				return es, true
			}
		}
	case directory.Or:
		if len(n) == 0 {
			return nil, false
		}
		var out []*Entry
		seen := map[string]bool{}
		for _, c := range n {
			es, ok := s.candidates(kind, c)
			if !ok {
				return nil, false
			}
			for _, e := range es {
				if !seen[e.ID] {
					seen[e.ID] = true
					out = append(out, e)
				}
			}
		}
		return out, true
	}
	return nil, false
}

func (s *store) pinned(kind Kind, c directory.Cond) ([]*Entry, bool) {
	if c.Op != directory.OpEq && c.Op != directory.OpIn {
		return nil, false
	}
	var ids []string
	switch {
	case c.Field == directory.FieldID:
		for _, v := range c.Values {
			if u, err := uuid.Parse(v); err == nil {
				ids = append(ids, strings.ToLower(u.String()))
			}
		}
	case c.Field == directory.FieldDN:
		for _, v := range c.Values {
			if k, err := directory.NormalizeDN(v); err == nil {
				if id, ok := s.byDN[k]; ok {
					ids = append(ids, id)
				}
			}
		}
	case kind == KindUser && c.Field == directory.FieldUsername, kind == KindGroup && c.Field == directory.FieldName:
		if s.unsureNames > 0 || s.nameSlot[kind] < 0 {
			return nil, false
		}
		for _, v := range c.Values {
			key, ok := assertionKey(v, true)
			if !ok {
				return nil, false
			}
			var buf [1]string
			ids = append(ids, s.names[kind].get(key, &buf)...)
		}
	default:
		return nil, false
	}
	var out []*Entry
	seen := map[string]bool{}
	for _, id := range ids {
		if e := s.byID[id]; e != nil && e.Kind == kind && !seen[id] {
			seen[id] = true
			out = append(out, e)
		}
	}
	return out, true
}
