package readmodel

import "testing"

// TestSlotCount: fieldValues packs slotCount slots; a field made
// searchable since must raise it, or every entry falls back to a slice
// per slot (correct, but the memory the packing saves is lost).
func TestSlotCount(t *testing.T) {
	if len(fieldSlots) != slotCount {
		t.Fatalf("slotCount is %d, the searchable fields are %d: set slotCount to %d", slotCount, len(fieldSlots), len(fieldSlots))
	}
}
