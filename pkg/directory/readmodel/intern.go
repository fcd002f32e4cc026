package readmodel

import "github.com/dirgate/dirgate/pkg/directory"

// internMax is how many distinct values of one field the store remembers
// to share: enough for a field whose values repeat across users (a gid, a
// given name, a title, the timestamps of a bulk load), few enough that a
// field whose values are all distinct (mail) costs a bounded map.
const internMax = 1024

// interned shares repeated field values between entries: each entry's
// values come from the feed as their own strings, and at 100,000 users the
// copies of the same few values add up (issue 21's memory goal). Values
// stay exactly what they were: only which copy of the text an entry holds
// changes.
type interned struct {
	bySlot [slotCount]map[string]string
}

// skipSlots are the fields whose values are each entry's own.
var skipSlots = map[int]bool{fieldSlots[directory.FieldID]: true, fieldSlots[directory.FieldDN]: true}

// share replaces each of the packed values with the copy seen first.
func (x *interned) share(fv *fieldValues) {
	if fv.wide != nil {
		return
	}
	for i := range slotCount {
		if fv.offs[i] == fv.offs[i+1] || skipSlots[i] {
			continue
		}
		m := x.bySlot[i]
		if m == nil {
			m = map[string]string{}
			x.bySlot[i] = m
		}
		for j := fv.offs[i]; j < fv.offs[i+1]; j++ {
			v := fv.vals[j]
			if c, ok := m[v]; ok {
				fv.vals[j] = c
			} else if len(m) < internMax {
				m[v] = v
			}
		}
	}
}
