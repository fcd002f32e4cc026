package embedded

import (
	"context"
	"fmt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// AllocateID hands out the next number of kind's sequence inside r. The
// sequence is one counter per kind, as the LDAP layout keeps it
// (cn=uidNumber,<base>): a number is never handed out twice, numbers an
// entry holds are skipped, and a range that lies wholly below the counter
// is exhausted. For gidNumbers, numbers users hold as their primary group
// are skipped too: a new group must not adopt them as members.
func (d *Directory) AllocateID(ctx context.Context, kind directory.IDKind, r directory.Range) (int64, error) {
	if kind != directory.UIDSequence && kind != directory.GIDSequence {
		return 0, invalid("unknown id sequence %q", kind)
	}
	if r.Min < 1 || r.Max < r.Min {
		return 0, invalid("range %d..%d is empty or not positive", r.Min, r.Max)
	}
	var n int64
	err := d.write(ctx, func(x *txn) error {
		n = max(x.s.counters[kind], r.Min)
		for n <= r.Max && x.s.numberUsed(kind, n) {
			n++
		}
		if n > r.Max {
			return fmt.Errorf("%w: no %s left in %d..%d (the next one is %d)",
				directory.ErrRangeExhausted, kind, r.Min, r.Max, max(x.s.counters[kind], r.Min))
		}
		x.setCounter(kind, n+1)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// numberUsed reports whether an entry holds n in kind's attribute.
func (s *state) numberUsed(kind directory.IDKind, n int64) bool {
	if kind == directory.UIDSequence {
		_, used := s.uidNumbers[n]
		return used
	}
	_, used := s.gidNumbers[n]
	return used || s.primaryGIDs[n] > 0
}
