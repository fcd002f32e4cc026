package scim

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	filter "github.com/scim2/filter-parser/v2"

	"github.com/dirgate/dirgate/pkg/directory"
)

// listParams are a query's parameters, from the query string of a GET or
// the body of a POST …/.search (RFC 7644 sections 3.4.2 and 3.4.3).
type listParams struct {
	filter     string
	startIndex int
	count      int // -1: not given
	sortBy     string
	descending bool
	attrs      []string
	excluded   []string
}

// listResponse is RFC 7644's ListResponse.
type listResponse struct {
	Schemas      []string `json:"schemas"`
	TotalResults int      `json:"totalResults"`
	StartIndex   int      `json:"startIndex"`
	ItemsPerPage int      `json:"itemsPerPage"`
	Resources    []any    `json:"Resources"`
}

func paramsFromQuery(q url.Values) (listParams, error) {
	p := listParams{startIndex: 1, count: -1}
	for key, vs := range q {
		v := vs[len(vs)-1]
		switch strings.ToLower(key) {
		case "filter":
			p.filter = v
		case "startindex":
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return p, badRequest(typeInvalidValue, "startIndex: %q is not an integer", v)
			}
			p.startIndex = n
		case "count":
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return p, badRequest(typeInvalidValue, "count: %q is not an integer", v)
			}
			p.count = n
		case "sortby":
			p.sortBy = v
		case "sortorder":
			if err := p.setOrder(v); err != nil {
				return p, err
			}
		case "attributes":
			p.attrs = splitList(vs)
		case "excludedattributes":
			p.excluded = splitList(vs)
		}
	}
	return p.normalized(), nil
}

// searchRequest is the body of POST …/.search.
type searchRequest struct {
	Schemas            []string `json:"schemas"`
	Attributes         []string `json:"attributes"`
	ExcludedAttributes []string `json:"excludedAttributes"`
	Filter             string   `json:"filter"`
	SortBy             string   `json:"sortBy"`
	SortOrder          string   `json:"sortOrder"`
	StartIndex         *int     `json:"startIndex"`
	Count              *int     `json:"count"`
}

func paramsFromBody(raw []byte) (listParams, error) {
	var sr searchRequest
	if err := json.Unmarshal(raw, &sr); err != nil {
		return listParams{}, badRequest(typeInvalidSyntax, "the body is not a SearchRequest: %v", err)
	}
	if !hasSchema(sr.Schemas, urnSearchRequest) {
		return listParams{}, badRequest(typeInvalidSyntax, "schemas must name %s", urnSearchRequest)
	}
	p := listParams{startIndex: 1, count: -1, filter: sr.Filter, sortBy: sr.SortBy,
		attrs: splitList(sr.Attributes), excluded: splitList(sr.ExcludedAttributes)}
	if sr.StartIndex != nil {
		p.startIndex = *sr.StartIndex
	}
	if sr.Count != nil {
		p.count = *sr.Count
	}
	if err := p.setOrder(sr.SortOrder); err != nil {
		return p, err
	}
	return p.normalized(), nil
}

func (p *listParams) setOrder(v string) error {
	switch strings.ToLower(v) {
	case "", "ascending":
		p.descending = false
	case "descending":
		p.descending = true
	default:
		return badRequest(typeInvalidValue, "sortOrder: %q is not ascending or descending", v)
	}
	return nil
}

// normalized applies RFC 7644's rules: a startIndex below 1 is 1, a
// negative count is 0.
func (p listParams) normalized() listParams {
	if p.startIndex < 1 {
		p.startIndex = 1
	}
	if p.count < -1 {
		p.count = 0
	}
	return p
}

func splitList(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func hasSchema(schemas []string, urn string) bool {
	for _, s := range schemas {
		if strings.EqualFold(s, urn) {
			return true
		}
	}
	return false
}

// compiledList is a list query ready for the core.
type compiledList struct {
	query directory.Query
	// none: the filter matches nothing, so the directory need not be asked.
	none bool
	// countOnly: count was 0, only totalResults is wanted.
	countOnly bool
}

// compileList turns the parameters into a core query: the filter compiled
// whole, the sort key resolved (the unique name breaks ties, so paging
// shows each entry once), the page bounded by maxResults.
func (d *Dialect) compileList(p listParams, c *compiler, tiebreak directory.Field) (compiledList, error) {
	var out compiledList
	if p.filter != "" {
		f, err := c.compileFilter(p.filter)
		if err != nil {
			return out, err
		}
		switch {
		case isNone(f):
			out.none = true
		case !isAll(f):
			out.query.Filter = f
		}
	}
	if p.sortBy != "" {
		ap, err := filter.ParseAttrPath([]byte(p.sortBy))
		if err != nil {
			return out, badRequest(typeInvalidValue, "sortBy: %q is not an attribute path", p.sortBy)
		}
		t, err := c.target(ap)
		if err != nil {
			return out, badRequest(typeInvalidValue, "sortBy: %q cannot be sorted on", p.sortBy)
		}
		f, ok := sortField(t)
		if !ok {
			return out, badRequest(typeInvalidValue, "sortBy: %q cannot be sorted on", p.sortBy)
		}
		out.query.Sort = []directory.SortKey{{Field: f, Descending: p.descending}}
		if f != tiebreak {
			out.query.Sort = append(out.query.Sort, directory.SortKey{Field: tiebreak})
		}
	}
	out.query.Offset = p.startIndex - 1
	switch {
	case p.count == 0:
		out.countOnly = true
		out.query.Limit = 1 // the total comes with any page
	case p.count < 0 || p.count > d.maxResults:
		out.query.Limit = d.maxResults
	default:
		out.query.Limit = p.count
	}
	return out, nil
}
