package readmodel

import (
	"math"

	"github.com/dirgate/dirgate/pkg/directory"
)

// fieldSlots numbers the searchable fields of users and groups, so that an
// entry keeps its values by slot instead of in a map per entry: less
// memory, and no hashing on every entry a search passes.
var fieldSlots = func() map[directory.Field]int {
	m := map[directory.Field]int{}
	for _, fs := range [][]directory.Field{directory.UserFields, directory.GroupFields} {
		for _, f := range fs {
			if _, ok := m[f]; !ok {
				m[f] = len(m)
			}
		}
	}
	return m
}()

// fieldValues is an entry's values of every slot, packed: the values of
// slot i are vals[offs[i]:offs[i+1]]. One slice of values and 25 offsets
// inline cost less than a slice per slot (24 slots of 24 bytes each, most
// of them empty), and copying the values out of the feed's per-attribute
// slices lets those go. The offsets are bytes, not uint16, so that an
// entry fits the 288-byte size class rather than 320 (issue 21's memory
// goal); an entry with more values than a byte counts (a user with 200
// mobile numbers, say: rare) keeps a slice per slot, as every entry does
// if more fields than slotCount become searchable.
type fieldValues struct {
	vals []string
	offs [slotCount + 1]uint8
	wide *[][]string
}

// slotCount is the number of field slots fieldValues packs (the test
// TestSlotCount keeps it equal to len(fieldSlots)).
const slotCount = 24

// slotValues packs an entry's Values by slot.
func slotValues(values map[directory.Field][]string) fieldValues {
	if len(values) == 0 {
		return fieldValues{}
	}
	bySlot := make([][]string, len(fieldSlots))
	n := 0
	for f, vs := range values {
		if i, ok := fieldSlots[f]; ok {
			bySlot[i] = vs
			n += len(vs)
		}
	}
	if n > math.MaxUint8 || len(bySlot) > slotCount {
		return fieldValues{wide: &bySlot}
	}
	fv := fieldValues{vals: make([]string, 0, n)}
	for i, vs := range bySlot {
		fv.vals = append(fv.vals, vs...)
		fv.offs[i+1] = uint8(len(fv.vals))
	}
	for i := len(bySlot) + 1; i <= slotCount; i++ {
		fv.offs[i] = uint8(len(fv.vals))
	}
	return fv
}

// field returns an entry's values of the field in slot i.
func (e *Entry) field(i int) []string {
	fv := &e.fields
	if fv.wide != nil {
		return (*fv.wide)[i]
	}
	a, b := fv.offs[i], fv.offs[i+1]
	if a == b {
		return nil
	}
	return fv.vals[a:b:b]
}
