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

// TestSlotValues: packed or not (more values than a byte counts), an
// entry's field values by slot are the Values it came with, and a user's
// strings kept by reference to them read back (userform.go).
func TestSlotValues(t *testing.T) {
	many := make([]string, math.MaxUint8+1)
	for i := range many {
		many[i] = strconv.Itoa(i)
	}
	for _, values := range []map[directory.Field][]string{
		nil,
		{directory.FieldUsername: {"a", "b"}, directory.FieldMail: {"a@x"}, directory.FieldModified: {"20260101000000Z"}},
		{directory.FieldUsername: {"a"}, directory.FieldMobile: many},
		{directory.FieldUsername: {"a"}, directory.FieldMobile: many[:math.MaxUint8-1], directory.FieldMail: {"a@x"}},
		{directory.FieldUsername: {"a"}, directory.FieldMobile: many[:math.MaxUint8], directory.FieldMail: {"a@x"}},
	} {
		e := Entry{fields: slotValues(values)}
		for f, i := range fieldSlots {
			if got := e.field(i); !slices.Equal(got, values[f]) {
				t.Fatalf("field %s: %d values, want %d", f, len(got), len(values[f]))
			}
		}
		u := directory.User{Username: "a", Mail: "a@x", Mobile: values[directory.FieldMobile]}
		e.form = formUser(&u, &e)
		if got := e.user(); got.Username != u.Username || got.Mail != u.Mail || !slices.Equal(got.Mobile, u.Mobile) {
			t.Fatalf("user read back as %+v", got)
		}
	}
}
