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
	r := directory.Range{Min: 1000, Max: 1999}
	var sizes []int64
	for range 9 {
		n := b.size(directory.UIDSequence)
		sizes = append(sizes, n)
		b.fill(directory.UIDSequence, r, 1000, 1000+n-1, nil)
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

// TestIDBlockHandsOutFreeNumbersOfItsRange: a block hands out its numbers
// in order, skipping those an entry used when it was claimed, and only
// for the range it was claimed for.
func TestIDBlockHandsOutFreeNumbersOfItsRange(t *testing.T) {
	var b idBlocks
	r := directory.Range{Min: 1000, Max: 1999}
	b.fill(directory.UIDSequence, r, 1000, 1004, map[int64]bool{1001: true, 1003: true})
	var got []int64
	for {
		n, ok := b.next(directory.UIDSequence, r)
		if !ok {
			break
		}
		got = append(got, n)
	}
	if len(got) != 3 || got[0] != 1000 || got[1] != 1002 || got[2] != 1004 {
		t.Errorf("handed out %v, want [1000 1002 1004]", got)
	}
	b.fill(directory.UIDSequence, r, 1005, 1009, nil)
	if n, ok := b.next(directory.UIDSequence, directory.Range{Min: 5000, Max: 5999}); ok {
		t.Errorf("a block of %v handed out %d for another range", r, n)
	}
	if n, ok := b.next(directory.UIDSequence, r); ok {
		t.Errorf("a block left for another range handed out %d", n)
	}
}
