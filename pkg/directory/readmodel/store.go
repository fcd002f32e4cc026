package readmodel

import (
	"maps"
	"slices"
	"sync"
	"unique"

	"github.com/dirgate/dirgate/pkg/directory"
)

// store is the model itself: every entry of the domain by id, and the
// indexes the lookups use. One lock: readers share it, the feed takes it
// alone for each change, which is short.
type store struct {
	mu   sync.RWMutex
	byID map[string]*Entry
	byDN map[string]string // normalized DN → id
	// counts is the number of entries of each kind: users and groups are
	// found by walking byID (no map per kind: less memory).
	counts  map[Kind]int
	names   map[Kind]*idIndex[string] // prepared name → ids
	numbers map[Kind]*idIndex[int64]  // uidNumber / gidNumber → ids
	// unsureNames counts entries whose name the model cannot prepare as
	// slapd does: while any exists, lookups by name go to the directory.
	unsureNames int
	// holders: member DN key → ids of the groups listing it.
	holders *idIndex[string]
	// nameSlot is, per kind, the field slot of the name (every value of
	// which the server finds the entry by), -1 when the model does not
	// know the name's matching rule: then lookups by name go to the
	// directory.
	nameSlot map[Kind]int
	// views are the sorted views of listings (sortedview.go).
	views views
	// ous are the ids of the OUs; children are the ids of the entries
	// under each parent DN key (ous.go, subtree.go): about 25 bytes an
	// entry, for Children and moves without a walk over the model.
	ous      map[string]struct{}
	children map[string]map[string]struct{}
	// linkedMembers is Shape.LinkedMembers.
	linkedMembers bool
	// interned are the field values entries share (intern.go).
	interned *interned
}

func newStore(shape Shape) *store {
	s := &store{nameSlot: map[Kind]int{KindUser: -1, KindGroup: -1}, linkedMembers: shape.LinkedMembers}
	for kind, f := range map[Kind]directory.Field{KindUser: directory.FieldUsername, KindGroup: directory.FieldName} {
		if shape.Matching[f] == MatchCaseIgnore {
			s.nameSlot[kind] = fieldSlots[f]
		}
	}
	s.reset()
	return s
}

// names returns the entry's names: every value of its name attribute, as
// the server matches (uid=x) or (cn=x) against all of them.
func (s *store) entryNames(e *Entry) []string {
	if i := s.nameSlot[e.Kind]; i >= 0 {
		return e.field(i)
	}
	return nil
}

func (s *store) reset() {
	s.byID = map[string]*Entry{}
	s.byDN = map[string]string{}
	s.counts = map[Kind]int{}
	s.names = map[Kind]*idIndex[string]{KindUser: newIDIndex[string](), KindGroup: newIDIndex[string]()}
	s.numbers = map[Kind]*idIndex[int64]{KindUser: newIDIndex[int64](), KindGroup: newIDIndex[int64]()}
	s.unsureNames = 0
	s.holders = newIDIndex[string]()
	s.ous = map[string]struct{}{}
	s.interned = &interned{}
	s.children = map[string]map[string]struct{}{}
	s.views.drop(KindUser)
	s.views.drop(KindGroup)
}

// dnKey is the comparison key of a DN. A DN already in normal form (most
// are: the server's own spelling) is its own key, so the model keeps one
// copy of its text, not two.
func dnKey(dn string) string {
	n, err := directory.NormalizeDN(dn)
	if err != nil || n == dn {
		return dn
	}
	return n
}

func (e *Entry) number() int64 {
	switch {
	case e.form.flags&userSet != 0:
		return e.form.uidNumber
	case e.Group != nil:
		return e.Group.GIDNumber
	}
	return 0
}

// put adds or replaces an entry. An entry that moved keeps its group
// memberships: the groups' member values follow it, as slapd's refint
// overlay makes them follow on the server — by an internal modification
// that syncprov does not stream.
func (s *store) put(e Entry) {
	old := s.byID[e.ID]
	s.place(e)
	if old != nil && old.dnKey != dnKey(e.DN) {
		// The entry moved, and its subtree with it (subtree.go).
		moves := map[string]string{}
		if e.Kind == KindUser || e.Kind == KindGroup {
			moves[old.dnKey] = e.DN
		}
		s.moveChildren(old.dnKey, old.DN, e.DN, moves)
		s.retarget(moves)
	}
}

// place adds or replaces an entry, leaving the entries under it and the
// member values naming it as they are.
func (s *store) place(e Entry) {
	var change *memberChange
	if old := s.byID[e.ID]; old != nil && old.Kind == KindGroup && e.Kind == KindGroup {
		change = diffMembers(old.Members, e.Members)
	}
	s.unindex(e.ID, change)
	p := &e
	p.fields, p.Values = slotValues(e.Values), nil
	s.interned.share(&p.fields)
	// The feed spells the id and DN once for the entry and once in the
	// mapped user or group: keep one copy of each.
	switch {
	case e.User != nil:
		p.ID, p.DN = sameText(e.ID, e.User.ID), sameText(e.DN, e.User.DN)
	case e.Group != nil:
		p.ID, p.DN = sameText(e.ID, e.Group.ID), sameText(e.DN, e.Group.DN)
	}
	p.dnKey = dnKey(e.DN)
	if p.User != nil {
		p.form, p.User = formUser(p.User, p), nil
	}
	if e.Kind == KindGroup {
		p.Members = s.sharedMembers(e.Members, change)
	}
	if parent, err := directory.ParentDN(e.DN); err == nil {
		// Siblings share their parent's key: one copy per container.
		p.parentKey = unique.Make(dnKey(parent)).Value()
	}
	s.index(p, change)
}

// sameText returns b when it spells a, so that a's copy can go.
func sameText(a, b string) string {
	if a == b {
		return b
	}
	return a
}

// sharedMembers copies a group's member values, each spelled as its
// entry's DN where the model holds that entry with the same spelling: the
// member value then shares the entry's text instead of keeping another
// copy per membership. A value the group had before (change) keeps the
// text it had.
func (s *store) sharedMembers(members []string, change *memberChange) []string {
	if len(members) == 0 {
		return nil
	}
	out := make([]string, len(members))
	for i, m := range members {
		out[i] = m
		if !change.joined(i) {
			out[i] = change.kept[i]
		} else if id, ok := s.byDN[dnKey(m)]; ok {
			if e := s.byID[id]; e != nil && e.DN == m {
				out[i] = e.DN
			}
		}
	}
	return out
}

// index adds an entry whose keys are set to the model and every index;
// of a group whose change is worked out, only the holder entries of the
// values that joined (unindex kept the others).
func (s *store) index(p *Entry, change *memberChange) {
	e := p
	s.views.drop(e.Kind)
	s.byID[e.ID] = p
	s.byDN[p.dnKey] = e.ID
	s.counts[e.Kind]++
	kids := s.children[p.parentKey]
	if kids == nil {
		kids = map[string]struct{}{}
		s.children[p.parentKey] = kids
	}
	kids[e.ID] = struct{}{}
	if e.Kind == KindOU {
		s.ous[e.ID] = struct{}{}
	}
	if e.Kind != KindUser && e.Kind != KindGroup {
		return
	}
	if e.Kind == KindGroup {
		for i, m := range e.Members {
			if change.joined(i) {
				s.holders.add(dnKey(m), e.ID)
			}
		}
	}
	for _, name := range s.entryNames(p) {
		key, sure := textKey(name, true)
		if !sure {
			s.unsureNames++
		}
		var buf [1]string
		if !slices.Contains(s.names[e.Kind].get(key, &buf), e.ID) {
			s.names[e.Kind].add(key, e.ID)
		}
	}
	if n := p.number(); n > 0 {
		s.numbers[e.Kind].add(n, e.ID)
	}
}

// remove drops an entry and, as refint does on the server, the member
// values naming it.
func (s *store) remove(id string) {
	old, ok := s.byID[id]
	if !ok {
		return
	}
	s.unindex(id, nil)
	if old.Kind == KindUser || old.Kind == KindGroup {
		s.retarget(map[string]string{old.dnKey: ""})
	}
}

// retarget replaces the member values naming the DNs with the keys of
// moves by their new DNs, or removes them where the new DN is empty. The
// new values go last, in the order of the old ones, as the server's
// modify (refint's, or the backend's own) deletes the old values and
// adds the new; in place where the server links members
// (Shape.LinkedMembers).
func (s *store) retarget(moves map[string]string) {
	if len(moves) == 0 {
		return
	}
	var buf [1]string
	groups := map[string]bool{}
	for oldKey := range moves {
		for _, gid := range s.holders.get(oldKey, &buf) {
			groups[gid] = true
		}
	}
	for gid := range groups {
		g := s.byID[gid]
		if g == nil {
			continue
		}
		ng := *g
		ng.Members = nil
		var added []string
		for _, m := range g.Members {
			newDN, ok := moves[dnKey(m)]
			switch {
			case !ok:
				ng.Members = append(ng.Members, m)
			case newDN != "" && s.linkedMembers:
				if !slices.Contains(ng.Members, newDN) {
					ng.Members = append(ng.Members, newDN)
				}
			case newDN != "" && !slices.Contains(added, newDN):
				added = append(added, newDN)
			}
		}
		for _, m := range added {
			if !slices.Contains(ng.Members, m) {
				ng.Members = append(ng.Members, m)
			}
		}
		s.unindex(gid, nil)
		s.index(&ng, nil)
	}
}

// unindex drops an entry from the model and every index; of a group
// whose change is worked out, only the holder entries of the values that
// left.
func (s *store) unindex(id string, change *memberChange) {
	old, ok := s.byID[id]
	if !ok {
		return
	}
	s.views.drop(old.Kind)
	delete(s.byID, id)
	if s.byDN[old.dnKey] == id {
		delete(s.byDN, old.dnKey)
	}
	s.counts[old.Kind]--
	if kids := s.children[old.parentKey]; kids != nil {
		if delete(kids, id); len(kids) == 0 {
			delete(s.children, old.parentKey)
		}
	}
	delete(s.ous, id)
	if old.Kind != KindUser && old.Kind != KindGroup {
		return
	}
	if old.Kind == KindGroup {
		gone := old.Members
		if change != nil {
			gone = change.left
		}
		for _, m := range gone {
			s.holders.remove(dnKey(m), id)
		}
	}
	for _, name := range s.entryNames(old) {
		key, sure := textKey(name, true)
		if !sure {
			s.unsureNames--
		}
		s.names[old.Kind].remove(key, id)
	}
	if n := old.number(); n > 0 {
		s.numbers[old.Kind].remove(n, id)
	}
}

func without(ids []string, id string) []string {
	out := ids[:0:0]
	for _, x := range ids {
		if x != id {
			out = append(out, x)
		}
	}
	return out
}

func (s *store) removeAbsent(present map[string]bool) {
	for _, id := range slices.Collect(maps.Keys(s.byID)) {
		if !present[id] {
			s.remove(id)
		}
	}
}

// entriesOf yields the entries of a kind.
func (s *store) entriesOf(kind Kind) func(yield func(*Entry) bool) {
	return func(yield func(*Entry) bool) {
		for _, e := range s.byID {
			if e.Kind == kind && !yield(e) {
				return
			}
		}
	}
}

// byDNEntry returns the entry at dn, if the model holds it.
func (s *store) byDNEntry(dn string) *Entry {
	if id, ok := s.byDN[dnKey(dn)]; ok {
		return s.byID[id]
	}
	return nil
}
