package readmodel

import (
	"slices"
	"sync"

	"github.com/dirgate/dirgate/pkg/directory"
)

// A listing in the default order (users by username, groups by name,
// ascending: what a listing without a sort asks for) walks a sorted view
// of the kind instead of ranking every match: the view is sorted once and
// kept until an entry of the kind changes, as the embedded backend does.
// A page then costs the filter on every entry (O(n), no sorting), and a
// page of an unfiltered listing of the whole domain costs only the page.

// sortedView is the entries of one kind in the default order. unsureAt
// counts, up to each position, the neighbours the server's sorted view
// could order otherwise (compareText): a page whose matches, up to its
// end, pass such a pair goes to the directory; one that does not is
// ordered as the server would, since every step between two of its
// matches is.
type sortedView struct {
	entries  []*Entry
	unsureAt []int32 // unsureAt[i]: unsure pairs (j-1, j) with j ≤ i
	unsure   bool    // a value could not be read (never for text)
}

// certain reports whether the view's order from position i to j (i ≤ j)
// is the server's.
func (v *sortedView) certain(i, j int) bool { return v.unsureAt[j]-v.unsureAt[i] == 0 }

// views caches a sortedView per kind, dropped by every change of the kind.
type views struct {
	mu   sync.Mutex
	view map[Kind]*sortedView
}

func (v *views) drop(k Kind) {
	v.mu.Lock()
	delete(v.view, k)
	v.mu.Unlock()
}

// warmMatches is how many matches make a filtered search in the default
// order rebuild the kind's dropped view: a listing, whose next pages then
// walk the view, rather than a lookup.
const warmMatches = 256

// hasSorted reports whether the kind's view is built.
func (s *store) hasSorted(kind Kind) bool {
	s.views.mu.Lock()
	defer s.views.mu.Unlock()
	return s.views.view[kind] != nil
}

// sorted returns the kind's view, building it when a change dropped it.
// The caller holds the store's read lock.
func (s *store) sorted(kind Kind, key sortKey) *sortedView {
	s.views.mu.Lock()
	defer s.views.mu.Unlock()
	if v := s.views.view[kind]; v != nil {
		return v
	}
	n := s.counts[kind]
	keys := []sortKey{key}
	hits := make([]ranked, 0, n)
	vals := make([]sortVal, n)
	v := &sortedView{}
	i := 0
	for e := range s.entriesOf(kind) {
		if err := sortValues(e, keys, vals[i:i+1]); err != nil {
			v.unsure = true
		}
		hits = append(hits, ranked{e: e, vals: vals[i : i+1]})
		i++
	}
	slices.SortFunc(hits, func(a, b ranked) int {
		c, _ := compareRanked(keys, a, b)
		return c
	})
	v.entries = make([]*Entry, len(hits))
	v.unsureAt = make([]int32, len(hits))
	for i, h := range hits {
		v.entries[i] = h.e
		if i > 0 {
			v.unsureAt[i] = v.unsureAt[i-1]
			if _, sure := compareRanked(keys, hits[i-1], h); !sure {
				v.unsureAt[i]++
			}
		}
	}
	if s.views.view == nil {
		s.views.view = map[Kind]*sortedView{}
	}
	s.views.view[kind] = v
	return v
}

// defaultOrder reports whether sorts is the kind's default order,
// ascending.
func defaultOrder(sorts []directory.SortKey, defaultSort directory.Field) bool {
	return len(sorts) == 0 || len(sorts) == 1 && sorts[0].Field == defaultSort && !sorts[0].Descending
}

// searchSorted answers q from the kind's sorted view.
func (s *store) searchSorted(kind Kind, key sortKey, sc scope, q directory.Query, match pred) ([]*Entry, int, error) {
	v := s.sorted(kind, key)
	if v.unsure {
		return nil, 0, errRoute
	}
	if q.Filter == nil && sc.key == "" {
		total := len(v.entries)
		if q.Offset >= total {
			return nil, total, nil
		}
		end := total
		if q.Limit > 0 {
			end = min(total, q.Offset+q.Limit)
		}
		if !v.certain(0, min(end, total-1)) {
			return nil, 0, errRoute
		}
		return slices.Clone(v.entries[q.Offset:end]), total, nil
	}
	var out []*Entry
	total, last := 0, -1
	for i, e := range v.entries {
		ok, err := sc.selects(e, match)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			continue
		}
		// Up to the first match past the page, every step between two
		// matches must be certain.
		if (q.Limit == 0 || total <= q.Offset+q.Limit) && last >= 0 && !v.certain(last, i) {
			return nil, 0, errRoute
		}
		if total >= q.Offset && (q.Limit == 0 || len(out) < q.Limit) {
			out = append(out, e)
		}
		total++
		last = i
	}
	return out, total, nil
}
