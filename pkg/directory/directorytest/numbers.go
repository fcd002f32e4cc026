package directorytest

import (
	"fmt"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

var numberTests = []test{
	{"AllocateID", testAllocateID},
	{"AllocateIDErrors", testAllocateIDErrors},
}

// idRange is the range the suite draws from. A sequence is shared by every
// test of a server, so every test uses the same wide range: a narrower one
// below numbers handed out earlier would be exhausted at once.
var idRange = directory.Range{Min: 100_000, Max: 1<<31 - 1}

// allocate draws a number and checks it lies in r.
func (e *env) allocate(t *testing.T, kind directory.IDKind, r directory.Range) int64 {
	t.Helper()
	n, err := e.dir.AllocateID(t.Context(), kind, r)
	if err != nil {
		t.Fatalf("AllocateID(%s, %d..%d): %v", kind, r.Min, r.Max, err)
	}
	if !r.Contains(n) {
		t.Fatalf("AllocateID(%s, %d..%d) = %d, outside the range", kind, r.Min, r.Max, n)
	}
	return n
}

// useNumber makes an entry that holds n in kind's attribute.
func (e *env) useNumber(t *testing.T, kind directory.IDKind, n int64) {
	t.Helper()
	if kind == directory.UIDSequence {
		e.mkUser(t, directory.NewUser{Username: e.name(t, fmt.Sprintf("uu%d", n%1000)), UIDNumber: n})
	} else {
		e.mkGroup(t, directory.NewGroup{Name: e.name(t, fmt.Sprintf("ug%d", n%1000)), GIDNumber: n})
	}
}

func testAllocateID(t *testing.T, e *env) {
	for _, kind := range []directory.IDKind{directory.UIDSequence, directory.GIDSequence} {
		t.Run(string(kind), func(t *testing.T) {
			seen := map[int64]bool{}
			fresh := func(n int64) {
				t.Helper()
				if seen[n] {
					t.Fatalf("AllocateID(%s) returned %d twice", kind, n)
				}
				seen[n] = true
			}
			for range 20 {
				fresh(e.allocate(t, kind, idRange))
			}

			// A number an entry holds already is skipped.
			a := e.allocate(t, kind, idRange)
			fresh(a)
			e.useNumber(t, kind, a+1)
			b := e.allocate(t, kind, idRange)
			fresh(b)
			if b == a+1 {
				t.Errorf("AllocateID(%s) returned %d, which an entry holds", kind, b)
			}

			// A range whose numbers are all used or handed out is exhausted.
			c := e.allocate(t, kind, idRange)
			fresh(c)
			e.useNumber(t, kind, c+1)
			small := directory.Range{Min: c + 1, Max: c + 2}
			if d := e.allocate(t, kind, small); d != c+2 {
				t.Errorf("AllocateID(%s, %d..%d) = %d, want %d (the only free number)", kind, small.Min, small.Max, d, c+2)
			}
			_, err := e.dir.AllocateID(t.Context(), kind, small)
			wantErr(t, fmt.Sprintf("AllocateID(%s) on an exhausted range", kind), err, directory.ErrRangeExhausted)
			_, err = e.dir.AllocateID(t.Context(), kind, directory.Range{Min: c, Max: c})
			wantErr(t, fmt.Sprintf("AllocateID(%s) on a range of one number handed out", kind), err, directory.ErrRangeExhausted)
			fresh(e.allocate(t, kind, idRange))
		})
	}
}

func testAllocateIDErrors(t *testing.T, e *env) {
	for _, c := range []struct {
		kind directory.IDKind
		r    directory.Range
	}{
		{directory.UIDSequence, directory.Range{Min: 10, Max: 5}},
		{directory.UIDSequence, directory.Range{Min: 0, Max: 10}},
		{directory.GIDSequence, directory.Range{Min: -5, Max: 10}},
		{"homeNumber", idRange},
	} {
		_, err := e.dir.AllocateID(t.Context(), c.kind, c.r)
		wantErr(t, fmt.Sprintf("AllocateID(%q, %d..%d)", c.kind, c.r.Min, c.r.Max), err, directory.ErrInvalidInput)
	}
}
