package ldap

import (
	"container/heap"
	"context"
	"strconv"
	"strings"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Searching with offset, limit and a total count, two ways:
//
//   - server-side sort (RFC 2891) + virtual list view, when the server
//     offers both (OpenLDAP's sssvlv overlay): one request returns the
//     window and the size of the result; the client holds only the window.
//   - otherwise a bounded paged scan: every matching entry streams past in
//     pages (RFC 2696), is counted, and only the best offset+limit so far
//     are kept in a heap. Memory is O(offset+limit) entries, time and
//     traffic O(matches) per page: fine for thousands, costly for deep
//     pages of millions.

// kindSearch describes the searchable kind.
type kindSearch[T any] struct {
	sel         string
	fields      map[directory.Field]string
	allowed     []directory.Field
	attrs       []string
	conv        func(*ldap.Entry) T
	defaultSort directory.Field
}

// SearchUsers evaluates a query on the server.
func (d *Directory) SearchUsers(ctx context.Context, q directory.Query) (directory.Page[directory.User], error) {
	return runSearch(ctx, d, q, kindSearch[directory.User]{
		sel: d.userSel, fields: userFieldKeys, allowed: directory.UserFields, attrs: d.userAttrs,
		conv: d.toUser, defaultSort: directory.FieldUsername,
	})
}

// SearchGroups evaluates a query on the server.
func (d *Directory) SearchGroups(ctx context.Context, q directory.Query) (directory.Page[directory.Group], error) {
	return runSearch(ctx, d, q, kindSearch[directory.Group]{
		sel: d.groupSel, fields: groupFieldKeys, allowed: directory.GroupFields, attrs: d.groupAttrs,
		conv: d.toGroup, defaultSort: directory.FieldName,
	})
}

// sortKey is one resolved sort key.
type sortKey struct {
	attr string
	kind directory.Kind
	desc bool
	dn   bool // sort by the DN itself (client side only)
}

func runSearch[T any](ctx context.Context, d *Directory, q directory.Query, ks kindSearch[T]) (directory.Page[T], error) {
	var page directory.Page[T]
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if q.Offset < 0 || q.Limit < 0 {
		return page, invalid("offset and limit must not be negative")
	}
	if err := directory.Validate(q.Filter, ks.allowed); err != nil {
		return page, err
	}
	base := q.Base
	if base == "" {
		base = d.base
	}
	if err := d.checkParent(base); err != nil {
		return page, err
	}
	fc := &filterCompiler{d: d, fields: ks.fields, now: d.now()}
	if usesOrdering(q.Filter) {
		rules, err := d.orderingRules(ctx)
		if err != nil {
			return page, err
		}
		fc.ordering = rules
	}
	cond, err := fc.compile(q.Filter)
	if err != nil {
		return page, err
	}
	filter := "(&" + ks.sel + cond + ")"
	sorts := q.Sort
	if len(sorts) == 0 {
		sorts = []directory.SortKey{{Field: ks.defaultSort}}
	}
	keys, serverSortable, err := resolveSort(fc, sorts)
	if err != nil {
		return page, err
	}
	attrs := ks.attrs
	for _, k := range keys {
		if k.attr != "" {
			attrs = append(attrs[:len(attrs):len(attrs)], k.attr)
		}
	}
	req := ldap.NewSearchRequest(base, ldapScope(q.Scope), ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil)

	si, err := d.serverInfo(ctx)
	if err != nil {
		return page, err
	}
	if q.Limit > 0 && serverSortable && si.sort && si.vlv && !fewMatches(q.Filter) && len(fc.rechecks) == 0 {
		page, err = vlvSearch(ctx, d, req, keys, q, ks.conv)
		if err == nil {
			return page, nil
		}
		if !isCode(err, ldap.LDAPResultVirtualListViewErrorOrControlError, ldap.LDAPResultSortControlMissing, ldap.LDAPResultBusy,
			ldap.LDAPResultUnwillingToPerform, ldap.LDAPResultUnavailableCriticalExtension,
			ldap.LDAPResultAdminLimitExceeded, ldap.LDAPResultInappropriateMatching) {
			return page, wrap(err, "searching "+base)
		}
		d.log.Debug("ldap: sorted view refused; scanning instead", "err", err)
		req.Controls = nil
	}
	return scanSearch(ctx, d, req, keys, q, ks.conv, fc.rechecks)
}

// resolveSort maps sort keys to attributes; serverSortable says whether
// the server can order by all of them (it cannot by DN or by fields the
// profile computes).
func resolveSort(fc *filterCompiler, sorts []directory.SortKey) ([]sortKey, bool, error) {
	serverSortable := true
	var keys []sortKey
	for _, s := range sorts {
		if s.Field == directory.FieldDN {
			keys = append(keys, sortKey{dn: true, desc: s.Descending})
			serverSortable = false
			continue
		}
		attr, err := fc.attribute(s.Field)
		if err != nil {
			return nil, false, err
		}
		if attr == "" {
			return nil, false, invalid("cannot sort by %q", s.Field)
		}
		kind := directory.FieldKind(s.Field)
		if kind == directory.KindBool || s.Field == directory.FieldID {
			serverSortable = false
		}
		keys = append(keys, sortKey{attr: attr, kind: kind, desc: s.Descending})
	}
	return keys, serverSortable, nil
}

// orderingRule is the matching rule the server sorts a kind by: explicit,
// because attributes such as uid define no ORDERING rule of their own.
func orderingRule(k directory.Kind) string {
	switch k {
	case directory.KindNumber:
		return "integerOrderingMatch"
	case directory.KindTime:
		return "generalizedTimeOrderingMatch"
	default:
		return "caseIgnoreOrderingMatch"
	}
}

func vlvSearch[T any](ctx context.Context, d *Directory, req *ldap.SearchRequest, keys []sortKey, q directory.Query, conv func(*ldap.Entry) T) (directory.Page[T], error) {
	var page directory.Page[T]
	var sks []*ldap.SortKey
	for _, k := range keys {
		sks = append(sks, &ldap.SortKey{AttributeType: k.attr, MatchingRule: orderingRule(k.kind), Reverse: k.desc})
	}
	sss := ldap.NewControlServerSideSortingWithSortKeys(sks)
	res, vr, err := d.viewSearch(ctx, viewKey(req, sks), req, sss, q)
	if err != nil {
		return page, err
	}
	page.Total = vr.contentCount
	// Past the end the server positions on the last entry instead: that
	// is not the page asked for.
	if vr.targetPosition != q.Offset+1 {
		return page, nil
	}
	if n := min(len(res.Entries), q.Limit); n > 0 {
		page.Items = make([]T, 0, n)
	}
	for _, e := range res.Entries {
		if len(page.Items) == q.Limit {
			break
		}
		page.Items = append(page.Items, conv(e))
	}
	return page, nil
}

// ranked is an item with its sort values.
type ranked[T any] struct {
	item T
	vals []sortVal
	dn   string
}

// sortVal is one sort value; missing values sort after all others
// (RFC 2891 §2.2), so first when descending.
type sortVal struct {
	missing bool
	s       string
	n       int64
	t       time.Time
}

func scanSearch[T any](ctx context.Context, d *Directory, req *ldap.SearchRequest, keys []sortKey, q directory.Query, conv func(*ldap.Entry) T, rechecks []recheck) (directory.Page[T], error) {
	var page directory.Page[T]
	window := q.Offset + q.Limit
	h := &rankHeap[T]{keys: keys}
	err := d.searchEach(ctx, req, func(e *ldap.Entry) error {
		if !keep(rechecks, e) {
			return nil
		}
		page.Total++
		r := ranked[T]{vals: sortValues(e, keys), dn: e.DN}
		if q.Limit > 0 && h.Len() == window {
			// Full: only an entry better than the worst kept gets in.
			if !h.less(r, h.items[0]) {
				return nil
			}
			r.item = conv(e)
			h.items[0] = r
			heap.Fix(h, 0)
			return nil
		}
		r.item = conv(e)
		heap.Push(h, r)
		return nil
	})
	if err != nil {
		return page, wrap(err, "searching "+req.BaseDN)
	}
	// Pop yields worst first: fill from the back.
	sorted := make([]ranked[T], h.Len())
	for i := len(sorted) - 1; i >= 0; i-- {
		sorted[i] = heap.Pop(h).(ranked[T])
	}
	if q.Offset < len(sorted) {
		sorted = sorted[q.Offset:]
		if q.Limit > 0 && len(sorted) > q.Limit {
			sorted = sorted[:q.Limit]
		}
		page.Items = make([]T, len(sorted))
		for i, r := range sorted {
			page.Items[i] = r.item
		}
	}
	return page, nil
}

func sortValues(e *ldap.Entry, keys []sortKey) []sortVal {
	vals := make([]sortVal, len(keys))
	for i, k := range keys {
		if k.dn {
			continue
		}
		raw := e.GetEqualFoldAttributeValue(k.attr)
		if raw == "" {
			vals[i].missing = true
			continue
		}
		switch k.kind {
		case directory.KindNumber:
			vals[i].n, _ = strconv.ParseInt(raw, 10, 64)
		case directory.KindTime:
			vals[i].t, _ = ber.ParseGeneralizedTime([]byte(raw))
		default:
			vals[i].s = strings.ToLower(raw)
		}
	}
	return vals
}

// rankHeap is a max-heap (the worst kept item on top) of ranked items.
type rankHeap[T any] struct {
	keys  []sortKey
	items []ranked[T]
}

// less orders a before b by the sort keys, then by DN for stability.
func (h *rankHeap[T]) less(a, b ranked[T]) bool {
	for i, k := range h.keys {
		var c int
		if k.dn {
			c = compareDN(a.dn, b.dn)
		} else {
			c = compareVal(a.vals[i], b.vals[i], k.kind)
		}
		if k.desc {
			c = -c
		}
		if c != 0 {
			return c < 0
		}
	}
	return compareDN(a.dn, b.dn) < 0
}

func compareVal(a, b sortVal, kind directory.Kind) int {
	switch {
	case a.missing && b.missing:
		return 0
	case a.missing:
		return 1
	case b.missing:
		return -1
	}
	switch kind {
	case directory.KindNumber:
		return compareInts(a.n, b.n)
	case directory.KindTime:
		return a.t.Compare(b.t)
	}
	return strings.Compare(a.s, b.s)
}

func compareInts(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (h *rankHeap[T]) Len() int           { return len(h.items) }
func (h *rankHeap[T]) Less(i, j int) bool { return h.less(h.items[j], h.items[i]) }
func (h *rankHeap[T]) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *rankHeap[T]) Push(x any)         { h.items = append(h.items, x.(ranked[T])) }
func (h *rankHeap[T]) Pop() any {
	last := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return last
}

// maxPinnedValues bounds the values of an IN that still counts as
// selecting few entries.
const maxPinnedValues = 50

// fewMatches reports whether a filter pins a field whose values identify
// one entry (an id, a DN, a username or group name, a uidNumber), so it
// matches at most one entry per value given: "the user named alice", the
// most common search of every dialect. A plain search answers it in one
// round trip. A sorted view would cost more than the sorting saves:
// OpenLDAP's sssvlv keeps a view per connection until the connection
// closes, so the connection is dropped after one (vlvSearch), and the
// next request pays a reconnect and a bind. Nothing depends on this for
// correctness: both ways return the same page, and a directory that holds
// duplicates (made outside dirgate) only costs the scan more.
func fewMatches(f directory.Filter) bool {
	switch n := f.(type) {
	case directory.Cond:
		switch n.Op {
		case directory.OpEq, directory.OpIn:
		default:
			return false
		}
		switch n.Field {
		case directory.FieldID, directory.FieldDN, directory.FieldUsername, directory.FieldName, directory.FieldUIDNumber:
			return len(n.Values) <= maxPinnedValues
		}
		return false
	case directory.And:
		// At most as many as its most selective member.
		for _, c := range n {
			if fewMatches(c) {
				return true
			}
		}
		return false
	case directory.Or:
		if len(n) > maxPinnedValues {
			return false
		}
		for _, c := range n {
			if !fewMatches(c) {
				return false
			}
		}
		return len(n) > 0
	default:
		return false
	}
}
