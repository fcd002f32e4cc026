package readmodel

import (
	"math"
	"slices"
	"strconv"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// TestSlotCount: fieldValues packs slotCount slots; a field made
// searchable since must raise it, or every entry falls back to a slice
// per slot (correct, but the memory the packing saves is lost).
func TestSlotCount(t *testing.T) {
	if len(fieldSlots) != slotCount {
		t.Fatalf("slotCount is %d, the searchable fields are %d: set slotCount to %d", slotCount, len(fieldSlots), len(fieldSlots))
	}
}

// TestSlotValues: packed or not (more values than a uint16 counts), an
// entry's field values by slot are the Values it came with.
func TestSlotValues(t *testing.T) {
	many := make([]string, math.MaxUint16+1)
	for i := range many {
		many[i] = strconv.Itoa(i)
	}
	for _, values := range []map[directory.Field][]string{
		nil,
		{directory.FieldUsername: {"a", "b"}, directory.FieldMail: {"a@x"}, directory.FieldModified: {"20260101000000Z"}},
		{directory.FieldUsername: {"a"}, directory.FieldMobile: many},
	} {
		e := Entry{fields: slotValues(values)}
		for f, i := range fieldSlots {
			if got := e.field(i); !slices.Equal(got, values[f]) {
				t.Fatalf("field %s: %d values, want %d", f, len(got), len(values[f]))
			}
		}
	}
}
