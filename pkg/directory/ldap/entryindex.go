package ldap

import (
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/go-ldap/ldap/v3"
)

// Mapping an entry reads some twenty attributes of it. Looking each up
// with go-ldap's GetEqualFoldAttributeValues scans every attribute of the
// entry per read; an entryView instead finds every attribute the mapping
// reads in one pass over the entry. The attributes are resolved to slots
// once per Directory (attrIndex), so a read is an array index.
//
// The match is go-ldap's exactly: strings.EqualFold between the configured
// name and the entry's, and the first attribute of the entry that matches
// wins. Two configured names that fold alike share a slot (EqualFold is an
// equivalence).

// maxSlots bounds the slots an entryView holds; names resolved beyond it
// (a long list of extra attributes) are looked up in the entry on each
// read, as before.
const maxSlots = 64

// attrIndex resolves LDAP attribute names to slots.
type attrIndex struct {
	names []string       // slot → the first configured spelling
	lower map[string]int // ASCII-lowercased name → slot
	// fold: some configured name is not ASCII, so lowercasing ASCII is not
	// EqualFold for it: every entry attribute is matched by EqualFold.
	fold bool
	// layouts remember the attribute names of recent entries and their
	// slots: a server answers a search with the same names, in the same
	// order, entry after entry, and comparing a name with the last one's
	// is cheaper than folding it and looking it up. A few, so that
	// concurrent reads of different kinds do not keep replacing one.
	layouts [4]atomic.Pointer[attrLayout]
	next    atomic.Uint32 // the layout to replace next
}

// attrLayout is the attribute names of an entry, in order, and the slot
// find gave each. It does not change once stored.
type attrLayout struct {
	names []string
	slots []int
}

// layoutFor returns a remembered layout that may fit e, nil when none.
func (ix *attrIndex) layoutFor(e *ldap.Entry) *attrLayout {
	for i := range ix.layouts {
		l := ix.layouts[i].Load()
		if l != nil && len(l.names) == len(e.Attributes) && l.names[0] == e.Attributes[0].Name {
			return l
		}
	}
	return nil
}

// remember stores the layout of e, given its slots.
func (ix *attrIndex) remember(e *ldap.Entry, slots []int) {
	n := 0
	for _, a := range e.Attributes {
		n += len(a.Name)
	}
	// One string holding every name, not the entry's: that would keep the
	// entry's text alive.
	var all strings.Builder
	all.Grow(n)
	for _, a := range e.Attributes {
		all.WriteString(a.Name)
	}
	text := all.String()
	l := &attrLayout{names: make([]string, len(e.Attributes)), slots: slots}
	off := 0
	for i, a := range e.Attributes {
		l.names[i] = text[off : off+len(a.Name)]
		off += len(a.Name)
	}
	ix.layouts[ix.next.Add(1)%uint32(len(ix.layouts))].Store(l)
}

func newAttrIndex() *attrIndex {
	return &attrIndex{lower: map[string]int{}}
}

// add returns the slot of name, giving it one if no name folding alike has
// one yet; "" has none (-1).
func (ix *attrIndex) add(name string) int {
	if name == "" {
		return -1
	}
	for s, n := range ix.names {
		if strings.EqualFold(n, name) {
			return s
		}
	}
	s := len(ix.names)
	ix.names = append(ix.names, name)
	if isASCII(name) {
		ix.lower[asciiLower(name)] = s
	} else {
		ix.fold = true
	}
	return s
}

// find returns the slot of an entry's attribute name, -1 when none
// matches.
func (ix *attrIndex) find(name string) int {
	if !ix.fold && len(name) <= 64 {
		var buf [64]byte
		ascii := true
		for i := 0; i < len(name); i++ {
			c := name[i]
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		if ascii {
			if s, ok := ix.lower[string(buf[:len(name)])]; ok {
				return s
			}
			return -1
		}
	}
	// A name that is not ASCII may still fold to an ASCII one (K, the
	// Kelvin sign, folds to k).
	for s, n := range ix.names {
		if strings.EqualFold(n, name) {
			return s
		}
	}
	return -1
}

// entryView is an entry with its attributes indexed by slot. It is meant
// to live on the stack of one mapping.
type entryView struct {
	e  *ldap.Entry
	ix *attrIndex
	at [maxSlots]int32 // slot → 1 + index in e.Attributes; 0 = absent
}

// view indexes e in one pass over its attributes.
func (ix *attrIndex) view(e *ldap.Entry, v *entryView) {
	v.e, v.ix = e, ix
	v.at = [maxSlots]int32{}
	if len(e.Attributes) == 0 {
		return
	}
	l := ix.layoutFor(e)
	var slots []int // of a layout to remember; nil while l fits
	for i, a := range e.Attributes {
		var s int
		if l != nil && a.Name == l.names[i] {
			s = l.slots[i]
		} else {
			if slots == nil {
				slots = make([]int, len(e.Attributes))
				if l != nil {
					copy(slots, l.slots[:i])
				}
				l = nil
			}
			s = ix.find(a.Name)
		}
		if slots != nil {
			slots[i] = s
		}
		if s >= 0 && s < maxSlots && v.at[s] == 0 {
			v.at[s] = int32(i + 1)
		}
	}
	if slots != nil {
		ix.remember(e, slots)
	}
}

// attr returns the entry's attribute in slot s, nil when absent.
func (v *entryView) attr(s int) *ldap.EntryAttribute {
	if s >= maxSlots {
		for _, a := range v.e.Attributes {
			if strings.EqualFold(v.ix.names[s], a.Name) {
				return a
			}
		}
		return nil
	}
	if i := v.at[s]; i > 0 {
		return v.e.Attributes[i-1]
	}
	return nil
}

// vals is GetEqualFoldAttributeValues of slot s's name; nil for no slot.
func (v *entryView) vals(s int) []string {
	if s < 0 {
		return nil
	}
	if a := v.attr(s); a != nil {
		return a.Values
	}
	return []string{}
}

// first is GetEqualFoldAttributeValue of slot s's name; "" for no slot.
func (v *entryView) first(s int) string {
	if s < 0 {
		return ""
	}
	if a := v.attr(s); a != nil && len(a.Values) > 0 {
		return a.Values[0]
	}
	return ""
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
