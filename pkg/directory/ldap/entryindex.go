package ldap

import (
	"strings"
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
	for i, a := range e.Attributes {
		if s := ix.find(a.Name); s >= 0 && s < maxSlots && v.at[s] == 0 {
			v.at[s] = int32(i + 1)
		}
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
