package openapi

import (
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// listResponse is the answer of a query endpoint: one page and the number
// of all matches.
type listResponse struct {
	TotalCount int      `json:"totalCount"`
	Data       []object `json:"data"`
}

// sortKeys compiles the sort parameter against the sortable members. The
// unique tiebreak field is appended (and is the default order), so entries
// that compare equal keep one order from page to page and paging shows
// each entry exactly once.
func sortKeys(params []sortParam, sortable map[string]directory.Field, tiebreak directory.Field) ([]directory.SortKey, error) {
	keys := make([]directory.SortKey, 0, len(params)+1)
	for _, p := range params {
		f, ok := sortable[p.field]
		if !ok {
			return nil, badRequest("cannot sort by %q; sortable fields: %s", p.field, strings.Join(sortedKeys(sortable), ", "))
		}
		keys = append(keys, directory.SortKey{Field: f, Descending: p.descending})
	}
	for _, k := range keys {
		if k.Field == tiebreak {
			return keys, nil
		}
	}
	return append(keys, directory.SortKey{Field: tiebreak}), nil
}

// listQuery is a compiled query of a list endpoint.
type listQuery struct {
	query directory.Query
	// none: a condition matches nothing, so the directory need not be
	// asked.
	none bool
	sel  selection
}

// compileList checks and compiles the query parameters of a user or group
// list.
func compileList[T any](p listParams, kind entityKind[T]) (listQuery, error) {
	sel, err := newSelection(p.fields, p.exclude, kind.names)
	if err != nil {
		return listQuery{}, err
	}
	conds, err := kind.filters.compile(p.conds)
	if err != nil {
		return listQuery{}, err
	}
	keys, err := sortKeys(p.sort, kind.sortable, kind.tiebreak)
	if err != nil {
		return listQuery{}, err
	}
	filter, none := and(conds)
	return listQuery{
		query: directory.Query{Filter: filter, Sort: keys, Offset: p.offset, Limit: p.limit},
		none:  none,
		sel:   sel,
	}, nil
}
