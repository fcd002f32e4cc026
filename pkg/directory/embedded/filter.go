package embedded

import (
	"fmt"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// pred is a compiled filter: nil matches everything.
type pred[R any] func(r R, now time.Time) bool

// compile turns a (validated) filter into a predicate, folding and parsing
// its values once.
func compile[R any](f directory.Filter, lookup func(directory.Field) (field[R], bool)) (pred[R], error) {
	switch n := f.(type) {
	case nil:
		return nil, nil
	case directory.Cond:
		return compileCond(n, lookup)
	case directory.And:
		ps, err := compileAll(n, lookup)
		if err != nil {
			return nil, err
		}
		return func(r R, now time.Time) bool {
			for _, p := range ps {
				if !p(r, now) {
					return false
				}
			}
			return true
		}, nil
	case directory.Or:
		ps, err := compileAll(n, lookup)
		if err != nil {
			return nil, err
		}
		return func(r R, now time.Time) bool {
			for _, p := range ps {
				if p(r, now) {
					return true
				}
			}
			return false
		}, nil
	case directory.Not:
		p, err := compile(n.Filter, lookup)
		if err != nil {
			return nil, err
		}
		if p == nil {
			return func(R, time.Time) bool { return false }, nil
		}
		return func(r R, now time.Time) bool { return !p(r, now) }, nil
	default:
		return nil, invalid("unknown filter node %T", f)
	}
}

func compileAll[R any](fs []directory.Filter, lookup func(directory.Field) (field[R], bool)) ([]pred[R], error) {
	ps := make([]pred[R], 0, len(fs))
	for _, f := range fs {
		p, err := compile(f, lookup)
		if err != nil {
			return nil, err
		}
		if p == nil {
			p = func(R, time.Time) bool { return true }
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func compileCond[R any](c directory.Cond, lookup func(directory.Field) (field[R], bool)) (pred[R], error) {
	fl, ok := lookup(c.Field)
	if !ok {
		return nil, invalid("unknown field %q", c.Field)
	}
	switch c.Op {
	case directory.OpPresent:
		return presence(fl), nil
	case directory.OpAtLeast, directory.OpAtMost:
		return orderCond(c, fl)
	}
	switch fl.kind {
	case directory.KindString:
		return textCond(c, fl)
	case directory.KindNumber:
		want := map[int64]bool{}
		for _, v := range c.Values {
			n, err := directory.ParseNumber(v)
			if err != nil {
				return nil, invalid("%s: %v", c.Field, err)
			}
			want[n] = true
		}
		return func(r R, _ time.Time) bool { n := fl.number(r); return n != 0 && want[n] }, nil
	case directory.KindBool:
		want := map[bool]bool{}
		for _, v := range c.Values {
			want[v == "true"] = true
		}
		return func(r R, now time.Time) bool { return want[fl.flag(r, now)] }, nil
	case directory.KindTime:
		t, err := time.Parse(time.RFC3339Nano, c.Values[0])
		if err != nil {
			return nil, invalid("%s: %q is not an RFC 3339 date-time", c.Field, c.Values[0])
		}
		before := c.Op == directory.OpBefore
		return func(r R, _ time.Time) bool {
			w := fl.when(r)
			if w.IsZero() {
				return false
			}
			if before {
				return w.Before(t)
			}
			return w.After(t)
		}, nil
	}
	return nil, invalid("%s %s is not supported", c.Field, c.Op)
}

func presence[R any](fl field[R]) pred[R] {
	switch fl.kind {
	case directory.KindString:
		return func(r R, _ time.Time) bool { return fl.eachText(r, func(string) bool { return true }) }
	case directory.KindNumber:
		return func(r R, _ time.Time) bool { return fl.number(r) != 0 }
	case directory.KindTime:
		return func(r R, _ time.Time) bool { return !fl.when(r).IsZero() }
	default:
		return func(R, time.Time) bool { return true }
	}
}

// textCond compares text case-insensitively. Values are compared as they
// are: nothing in them is syntax, so "*" matches only "*". DNs compare by
// meaning.
func textCond[R any](c directory.Cond, fl field[R]) (pred[R], error) {
	needles := make([]string, len(c.Values))
	for i, v := range c.Values {
		needles[i] = fold(v)
		if c.Field == directory.FieldDN {
			if n, err := directory.NormalizeDN(v); err == nil {
				needles[i] = n
			}
		}
	}
	var match func(v string) bool
	switch c.Op {
	case directory.OpEq, directory.OpIn:
		set := map[string]bool{}
		for _, n := range needles {
			set[n] = true
		}
		match = func(v string) bool { return set[v] }
	case directory.OpContains:
		match = func(v string) bool { return strings.Contains(v, needles[0]) }
	case directory.OpStartsWith:
		match = func(v string) bool { return strings.HasPrefix(v, needles[0]) }
	case directory.OpEndsWith:
		match = func(v string) bool { return strings.HasSuffix(v, needles[0]) }
	default:
		return nil, invalid("%s cannot be used on %s", c.Op, c.Field)
	}
	return func(r R, _ time.Time) bool {
		return fl.eachText(r, func(v string) bool { return match(fold(v)) })
	}, nil
}

// checkQuery refuses what no backend can do with a query.
func checkQuery(q directory.Query, allowed []directory.Field) error {
	if q.Offset < 0 || q.Limit < 0 {
		return invalid("offset %d and limit %d must not be negative", q.Offset, q.Limit)
	}
	if q.Scope != directory.ScopeSubtree && q.Scope != directory.ScopeOneLevel {
		return invalid("unknown scope %d", q.Scope)
	}
	if err := directory.Validate(q.Filter, allowed); err != nil {
		return fmt.Errorf("filter: %w", err)
	}
	return nil
}
