package openapi

import (
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Operators of the query language.
const (
	opEQ = "EQ" // equal
	opCO = "CO" // contains
	opSW = "SW" // starts with
	opIN = "IN" // one of (repeated keys or a comma list)
	opPR = "PR" // present (true) or absent (false)
	opLT = "LT" // a date-time before
	opGT = "GT" // a date-time after
)

// Paging bounds.
const (
	defaultLimit = 50
	maxLimit     = 1000
)

// listParams are the query parameters of a list endpoint, parsed but not
// yet checked against a resource's fields.
type listParams struct {
	conds   []rawCond
	offset  int
	limit   int
	sort    []sortParam
	fields  []string
	exclude []string
}

// rawCond is one filter[field][OP] with its values (a comma list of IN
// already split).
type rawCond struct {
	field, op string
	values    []string
}

type sortParam struct {
	field      string
	descending bool
}

var filterKey = regexp.MustCompile(`^filter\[([^\[\]]+)\]\[([^\[\]]+)\]$`)

// parseListParams reads filters, paging, sorting and field selection. Keys
// of the query language that do not parse are 400s naming them; other keys
// are left to the endpoint.
func parseListParams(q url.Values) (listParams, error) {
	p := listParams{limit: defaultLimit}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys) // deterministic: the first bad key is named
	for _, key := range keys {
		values := q[key]
		switch {
		case strings.HasPrefix(key, "filter["):
			m := filterKey.FindStringSubmatch(key)
			if m == nil {
				return p, badRequest("malformed filter parameter %q: use filter[field][OP]", key)
			}
			c := rawCond{field: m[1], op: m[2], values: values}
			if c.op == opIN {
				c.values = splitList(values)
			}
			p.conds = append(p.conds, c)
		case key == "page[offset]":
			n, err := oneInt(key, values)
			if err != nil {
				return p, err
			}
			if n < 0 {
				return p, badRequest("page[offset] must not be negative")
			}
			p.offset = n
		case key == "page[limit]":
			n, err := oneInt(key, values)
			if err != nil {
				return p, err
			}
			if n < 1 || n > maxLimit {
				return p, badRequest("page[limit] must be between 1 and %d", maxLimit)
			}
			p.limit = n
		case strings.HasPrefix(key, "page["):
			return p, badRequest("unknown paging parameter %q: use page[offset] and page[limit]", key)
		case key == "sort":
			for _, s := range splitList(values) {
				field, desc := strings.CutPrefix(s, "-")
				p.sort = append(p.sort, sortParam{field: field, descending: desc})
			}
		case key == "fields":
			p.fields = splitList(values)
		case key == "excludeFields":
			p.exclude = splitList(values)
		}
	}
	return p, nil
}

// splitList flattens repeated keys and comma lists, dropping empty items.
func splitList(values []string) []string {
	var out []string
	for _, v := range values {
		for item := range strings.SplitSeq(v, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}

func oneInt(key string, values []string) (int, error) {
	if len(values) != 1 {
		return 0, badRequest("%s must be given once", key)
	}
	n, err := strconv.Atoi(strings.TrimSpace(values[0]))
	if err != nil {
		return 0, badRequest("%s must be an integer, not %q", key, values[0])
	}
	return n, nil
}

// compileFunc turns the values of one filter[field][OP] into a condition
// of type C.
type compileFunc[C any] func(field string, values []string) (C, error)

// filterTable lists, per field, the operators it takes.
type filterTable[C any] map[string]map[string]compileFunc[C]

// compile checks every condition against the table and compiles it. An
// unknown field or an operator the field does not take is a 400 naming it.
func (t filterTable[C]) compile(conds []rawCond) ([]C, error) {
	out := make([]C, 0, len(conds))
	for _, rc := range conds {
		ops, ok := t[rc.field]
		if !ok {
			return nil, badRequest("unknown filter field %q; filterable fields: %s", rc.field, strings.Join(t.fields(), ", "))
		}
		compile, ok := ops[rc.op]
		if !ok {
			return nil, badRequest("operator %q cannot be used on %s; allowed: %s", rc.op, rc.field, strings.Join(sortedKeys(ops), ", "))
		}
		c, err := compile(rc.field, rc.values)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func (t filterTable[C]) fields() []string { return sortedKeys(t) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
