package ldap

import (
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// TestIDBlockSize: blocks start at one number, double while each is used
// up within blockBurst, stop at maxBlock, and halve when numbers go
// slowly, so that an idle process holds few numbers a restart would lose.
func TestIDBlockSize(t *testing.T) {
	var b idBlocks
	var sizes []int64
	for range 9 {
		n := b.size(directory.UIDSequence)
		sizes = append(sizes, n)
		b.fill(directory.UIDSequence, 1000, 1000+n-1)
	}
	want := []int64{1, 2, 4, 8, 16, 32, 64, 64, 64}
	for i := range want {
		if sizes[i] != want[i] {
			t.Fatalf("sizes under a burst %v, want %v", sizes, want)
		}
	}
	b.of(directory.UIDSequence).claimed = time.Now().Add(-2 * blockBurst)
	if n := b.size(directory.UIDSequence); n != 32 {
		t.Errorf("size after a slow block = %d, want 32", n)
	}
	// The gid numbers have blocks of their own.
	if n := b.size(directory.GIDSequence); n != 1 {
		t.Errorf("first gid block = %d, want 1", n)
	}
}

// TestIDBlockHandsOutItsNumbersInTheRange: a block hands out its numbers
// in order, those that lie in the range asked for.
func TestIDBlockHandsOutItsNumbersInTheRange(t *testing.T) {
	var b idBlocks
	r := directory.Range{Min: 1000, Max: 1999}
	if n, ok := b.next(directory.UIDSequence, r); ok {
		t.Fatalf("no block claimed, yet %d handed out", n)
	}
	b.fill(directory.UIDSequence, 1000, 1009)
	var got []int64
	for range 3 {
		n, ok := b.next(directory.UIDSequence, r)
		if !ok {
			t.Fatal("a block of ten ran out after", got)
		}
		got = append(got, n)
	}
	if got[0] != 1000 || got[1] != 1001 || got[2] != 1002 {
		t.Errorf("handed out %v, want [1000 1001 1002]", got)
	}
	if n, ok := b.next(directory.UIDSequence, directory.Range{Min: 5000, Max: 5999}); ok {
		t.Errorf("a block of 1000-1009 handed out %d for 5000-5999", n)
	}
	if n, ok := b.next(directory.UIDSequence, directory.Range{Min: 1005, Max: 1006}); !ok || n != 1005 {
		t.Errorf("next in 1005-1006 = %d, %v; want 1005", n, ok)
	}
	if n, ok := b.next(directory.UIDSequence, r); !ok || n != 1006 {
		t.Errorf("next = %d, %v; want 1006", n, ok)
	}
	b.fill(directory.UIDSequence, 1010, 1010)
	b.next(directory.UIDSequence, r)
	if n, ok := b.next(directory.UIDSequence, r); ok {
		t.Errorf("a used-up block handed out %d", n)
	}
}
