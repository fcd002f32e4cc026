package embedded

import (
	"cmp"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// orderCond compiles atLeast and atMost as the LDAP profiles' servers
// evaluate them: text by caseIgnoreOrderingMatch (case folded, then code
// point order), numbers numerically, times chronologically. A record
// without a value never matches, as an LDAP entry lacking the attribute
// does not.
func orderCond[R any](c directory.Cond, fl field[R]) (pred[R], error) {
	if _, ok := c.Field.Attribute(); ok {
		// The extra attributes carry no schema here; on LDAP most (pager,
		// roomNumber, employeeNumber ...) have no ORDERING rule either.
		return nil, invalid("%s: the embedded store has no ordering for extra attributes", c.Field)
	}
	// fits reports whether a comparison's sign (-1, 0, 1 for less, equal,
	// greater than the value) satisfies the operator.
	fits := func(sign int) bool { return sign >= 0 }
	if c.Op == directory.OpAtMost {
		fits = func(sign int) bool { return sign <= 0 }
	}
	switch fl.kind {
	case directory.KindString:
		want := fold(c.Values[0])
		return func(r R, _ time.Time) bool {
			return fl.eachText(r, func(v string) bool { return fits(strings.Compare(fold(v), want)) })
		}, nil
	case directory.KindNumber:
		want, err := directory.ParseNumber(c.Values[0])
		if err != nil {
			return nil, invalid("%s: %v", c.Field, err)
		}
		return func(r R, _ time.Time) bool {
			n := fl.number(r)
			return n != 0 && fits(cmp.Compare(n, want))
		}, nil
	case directory.KindTime:
		want, err := time.Parse(time.RFC3339Nano, c.Values[0])
		if err != nil {
			return nil, invalid("%s: %q is not an RFC 3339 date-time", c.Field, c.Values[0])
		}
		return func(r R, _ time.Time) bool {
			w := fl.when(r)
			return !w.IsZero() && fits(w.Compare(want))
		}, nil
	}
	return nil, invalid("%s cannot be used on %s", c.Op, c.Field)
}
