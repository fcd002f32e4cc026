package embedded

import (
	"cmp"
	"slices"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// sortKey is a compiled sort key.
type sortKey[R any] struct {
	fl   field[R]
	desc bool
}

func compileSort[R any](keys []directory.SortKey, lookup func(directory.Field) (field[R], bool)) ([]sortKey[R], error) {
	out := make([]sortKey[R], 0, len(keys))
	for _, k := range keys {
		fl, ok := lookup(k.Field)
		if !ok {
			return nil, invalid("cannot sort by unknown field %q", k.Field)
		}
		out = append(out, sortKey[R]{fl: fl, desc: k.Descending})
	}
	return out, nil
}

// column holds one sort key's value for every item, computed once: text
// folded (the least value of a multi-valued field), booleans as 0 and 1,
// times as nanoseconds.
type column struct {
	text []string
	num  []int64
	has  []bool
}

func (k sortKey[R]) column(items []R, now time.Time) column {
	c := column{has: make([]bool, len(items))}
	if k.fl.kind == directory.KindString {
		c.text = make([]string, len(items))
	} else {
		c.num = make([]int64, len(items))
	}
	for i, r := range items {
		switch k.fl.kind {
		case directory.KindString:
			k.fl.eachText(r, func(v string) bool {
				if f := fold(v); !c.has[i] || f < c.text[i] {
					c.text[i] = f
				}
				c.has[i] = true
				return false
			})
		case directory.KindNumber:
			c.num[i] = k.fl.number(r)
			c.has[i] = c.num[i] != 0
		case directory.KindBool:
			if k.fl.flag(r, now) {
				c.num[i] = 1
			}
			c.has[i] = true
		case directory.KindTime:
			if w := k.fl.when(r); !w.IsZero() {
				c.num[i], c.has[i] = w.UnixNano(), true
			}
		}
	}
	return c
}

// compare orders items i and j by the column. An absent value sorts after
// every value, as RFC 2891 server-side sorting does (so first when
// descending).
func (c column) compare(i, j int) int {
	switch {
	case !c.has[i] && !c.has[j]:
		return 0
	case !c.has[i]:
		return 1
	case !c.has[j]:
		return -1
	case c.text != nil:
		return cmp.Compare(c.text[i], c.text[j])
	default:
		return cmp.Compare(c.num[i], c.num[j])
	}
}

// sortBy sorts items by keys, then by tie, which must be a total order so
// that pages of the same query never overlap.
func sortBy[R any](items []R, keys []sortKey[R], now time.Time, tie func(a, b R) int) {
	cols := make([]column, len(keys))
	for k, key := range keys {
		cols[k] = key.column(items, now)
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(i, j int) int {
		for k, c := range cols {
			r := c.compare(i, j)
			if keys[k].desc {
				r = -r
			}
			if r != 0 {
				return r
			}
		}
		return tie(items[i], items[j])
	})
	sorted := make([]R, len(items))
	for to, from := range idx {
		sorted[to] = items[from]
	}
	copy(items, sorted)
}
