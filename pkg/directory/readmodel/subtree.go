package readmodel

import (
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// An entry renamed or moved with children (an OU renamed by ldapmodify's
// modrdn, or by AD tools) takes its subtree along on the server, but the
// change stream brings only the entry itself: syncprov sends the one
// entry the modrdn named, as the server's own syncrepl consumers redo the
// modrdn, subtree included, locally. The model does the same: every entry
// below takes the new DN, and (as refint makes the server do) the member
// values naming a moved user or group follow it.

// moveChildren gives the entries under the entry that was at oldDN (key
// oldKey) DNs under newDN, deeper levels too, and notes in moves the old
// key and new DN of each user and group moved.
func (s *store) moveChildren(oldKey, oldDN, newDN string, moves map[string]string) {
	var moved []Entry
	var old []*Entry
	for id := range s.children[oldKey] {
		e := s.byID[id]
		moved = append(moved, e.under(oldDN, newDN))
		old = append(old, e)
	}
	for i, e := range moved {
		s.place(e)
		if e.Kind == KindUser || e.Kind == KindGroup {
			moves[old[i].dnKey] = e.DN
		}
		s.moveChildren(old[i].dnKey, old[i].DN, e.DN, moves)
	}
}

// under returns a copy of e, a child of the entry at oldDN, placed under
// newDN: its RDN as the server spells it, then the new parent DN.
func (e *Entry) under(oldDN, newDN string) Entry {
	rdn, ok := strings.CutSuffix(e.DN, ","+oldDN)
	if !ok {
		// Spelt otherwise than its parent: the RDN as RFC 4514 writes it.
		if p, err := directory.ParseDN(e.DN); err == nil && len(p.RDNs) > 0 {
			rdn = directory.FormatDN(&ldap.DN{RDNs: p.RDNs[:1]})
		}
	}
	dn := rdn + "," + newDN
	c := *e
	c.DN = dn
	c.Values = e.values()
	if _, ok := c.Values[directory.FieldDN]; ok {
		c.Values[directory.FieldDN] = []string{dn}
	}
	switch {
	case e.form.flags&userSet != 0:
		u := e.user()
		u.DN = dn
		c.User, c.form = &u, userForm{}
	case e.Group != nil:
		g := *e.Group
		g.DN = dn
		c.Group = &g
	case e.OU != nil:
		o := *e.OU
		o.DN = dn
		c.OU = &o
	}
	return c
}

// values unpacks an entry's field values (the inverse of slotValues).
func (e *Entry) values() map[directory.Field][]string {
	out := map[directory.Field][]string{}
	for f, i := range fieldSlots {
		if vs := e.field(i); len(vs) > 0 {
			out[f] = vs
		}
	}
	return out
}
