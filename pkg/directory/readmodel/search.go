package readmodel

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Searching the model as the LDAP backend searches the server
// (pkg/directory/ldap/search.go): the filter as slapd evaluates it, the
// order of its sort (missing values last, ties by DN as CompareDN orders
// them), offset, limit and the total. A query the backend would refuse
// goes to it, so that the refusal is its own.

// scope selects the entries a query's base and scope cover.
type scope struct {
	key      string // "" = the whole domain
	oneLevel bool
}

func (s *store) scopeOf(q directory.Query, domainBase string) (scope, error) {
	if q.Base == "" {
		if q.Scope == directory.ScopeOneLevel {
			return scope{key: dnKey(domainBase), oneLevel: true}, nil
		}
		return scope{}, nil
	}
	if err := directory.CheckDN(q.Base); err != nil || !directory.IsUnder(q.Base, domainBase) {
		return scope{}, errRoute
	}
	key := dnKey(q.Base)
	if key != dnKey(domainBase) && s.byDN[key] == "" {
		return scope{}, errRoute // the server's answer: no such object
	}
	return scope{key: key, oneLevel: q.Scope == directory.ScopeOneLevel}, nil
}

func (sc scope) covers(e *Entry) bool {
	switch {
	case sc.key == "":
		return true
	case sc.oneLevel:
		return e.parentKey == sc.key
	}
	return e.dnKey == sc.key || keyBelow(e.dnKey, sc.key)
}

// selects reports whether e is in the scope and matches the filter.
func (sc scope) selects(e *Entry, match pred) (bool, error) {
	if !sc.covers(e) {
		return false, nil
	}
	return match(e)
}

// sortKey is one resolved sort key.
type sortKey struct {
	slot int
	kind directory.Kind
	desc bool
	dn   bool
}

// sortVal is one entry's value for a key.
type sortVal struct {
	missing bool
	s       string
	n       int64
	t       time.Time
}

type ranked struct {
	e    *Entry
	vals []sortVal
}

// search runs q over entries; allowed are the kind's fields and
// defaultSort its order when q names none.
func (s *store) search(kind Kind, q directory.Query, m matcher, allowed []directory.Field,
	defaultSort directory.Field, domainBase string) ([]*Entry, int, error) {
	if q.Offset < 0 || q.Limit < 0 || directory.Validate(q.Filter, allowed) != nil {
		return nil, 0, errRoute
	}
	sc, err := s.scopeOf(q, domainBase)
	if err != nil {
		return nil, 0, err
	}
	sorts := q.Sort
	if len(sorts) == 0 {
		sorts = []directory.SortKey{{Field: defaultSort}}
	}
	keys, err := m.sortKeys(sorts)
	if err != nil {
		return nil, 0, err
	}
	match, err := m.compile(q.Filter)
	if err != nil {
		return nil, 0, err
	}
	few, pinned := s.candidates(kind, q.Filter)
	// A filtered search finding the kind's sorted view dropped by a change
	// ranks its matches instead of sorting every entry again: the check a
	// create makes (is this home directory free?) matches none, and would
	// otherwise pay a sort of the whole kind after every write. A wide
	// match rebuilds the view for the pages that follow (warm, below).
	warm := false
	if !pinned && defaultOrder(q.Sort, defaultSort) {
		if q.Filter == nil || s.hasSorted(kind) {
			return s.searchSorted(kind, keys[0], sc, q, match)
		}
		warm = true
	}
	var hits []ranked
	window := 0 // how many of the best hits to keep; 0 = all
	if q.Limit > 0 {
		window = q.Offset + q.Limit
	}
	unsure := false
	cmp := func(a, b ranked) int {
		c, sure := compareRanked(keys, a, b)
		unsure = unsure || !sure
		return c
	}
	total := 0
	var arena []sortVal // sort values of hits, allocated in blocks
	block := 256        // hits per block
	scan := s.entriesOf(kind)
	if pinned {
		scan = slices.Values(few)
		block = min(block, len(few)) // a pinned name is one hit, mostly
	}
	for e := range scan {
		ok, err := sc.selects(e, match)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			continue
		}
		if len(arena) < len(keys) {
			arena = make([]sortVal, block*len(keys))
		}
		vals := arena[:len(keys):len(keys)]
		arena = arena[len(keys):]
		if err := sortValues(e, keys, vals); err != nil {
			return nil, 0, err
		}
		total++
		hits = append(hits, ranked{e: e, vals: vals})
		if window > 0 && len(hits) >= 4*window+64 {
			// Keep the best window: a page costs O(n) comparisons, not a
			// sort of every match.
			slices.SortFunc(hits, cmp)
			hits = hits[:window]
		}
	}
	slices.SortFunc(hits, cmp)
	if warm && total >= warmMatches {
		s.sorted(kind, keys[0])
	}
	if unsure {
		return nil, 0, errRoute
	}
	if q.Offset >= len(hits) {
		return nil, total, nil
	}
	hits = hits[q.Offset:]
	if q.Limit > 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	out := make([]*Entry, len(hits))
	for i, h := range hits {
		out[i] = h.e
	}
	return out, total, nil
}

func (m matcher) sortKeys(sorts []directory.SortKey) ([]sortKey, error) {
	var keys []sortKey
	for _, s := range sorts {
		if s.Field == directory.FieldDN {
			keys = append(keys, sortKey{dn: true, desc: s.Descending})
			continue
		}
		rule, ok := m.matching[s.Field]
		if !ok || rule == MatchCaseExact || rule == MatchEqualityExact {
			// Case-exact text: slapd's sorted view orders it by case, the
			// backend's own sort without: which one answers depends on the
			// page asked for.
			return nil, errRoute
		}
		slot, ok := fieldSlots[s.Field]
		if !ok {
			return nil, errRoute
		}
		keys = append(keys, sortKey{slot: slot, kind: directory.FieldKind(s.Field), desc: s.Descending})
	}
	return keys, nil
}

// sortValues reads an entry's first value of each key, as the backend's
// client-side sort does.
func sortValues(e *Entry, keys []sortKey, vals []sortVal) error {
	for i, k := range keys {
		if k.dn {
			continue
		}
		vs := e.field(k.slot)
		if len(vs) == 0 || vs[0] == "" {
			vals[i].missing = true
			continue
		}
		raw := vs[0]
		switch k.kind {
		case directory.KindNumber:
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return errRoute
			}
			vals[i].n = n
		case directory.KindTime:
			t, ok := parseGeneralizedTime(raw)
			if !ok {
				return errRoute
			}
			vals[i].t = t
		default:
			vals[i].s = strings.ToLower(raw)
		}
	}
	return nil
}

// compareRanked orders two hits; sure is false when the server's sorted
// view could order them otherwise (compareText).
func compareRanked(keys []sortKey, a, b ranked) (c int, sure bool) {
	for i, k := range keys {
		sure := true
		if k.dn {
			c = directory.CompareDN(a.e.DN, b.e.DN)
		} else {
			c, sure = compareVal(a.vals[i], b.vals[i], k.kind)
		}
		if !sure {
			return c, false
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c, true
		}
	}
	return directory.CompareDN(a.e.DN, b.e.DN), true
}

func compareVal(a, b sortVal, kind directory.Kind) (int, bool) {
	switch {
	case a.missing && b.missing:
		return 0, true
	case a.missing:
		return 1, true
	case b.missing:
		return -1, true
	}
	switch kind {
	case directory.KindNumber:
		return cmpInt(a.n, b.n), true
	case directory.KindTime:
		return a.t.Compare(b.t), true
	}
	return compareText(a.s, b.s)
}

// compareText compares two lowered values as the backend's own sort does
// (bytewise). The server's sorted view compares them prepared (RFC 4518:
// spaces at the ends dropped, runs made one, Unicode normalized and
// folded): the two agree when the first difference is between two
// printable ASCII characters other than space (or the values are the
// same). Otherwise sure is false.
func compareText(a, b string) (int, bool) {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return strings.Compare(a, b), plainByte(a[i]) && plainByte(b[i])
		}
	}
	switch {
	case len(a) == len(b):
		return 0, true
	case len(a) > n:
		return 1, plainByte(a[n])
	}
	return -1, plainByte(b[n])
}

// plainByte: printable ASCII other than space.
func plainByte(c byte) bool { return c > 0x20 && c < 0x7f }

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
