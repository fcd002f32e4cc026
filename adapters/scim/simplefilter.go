package scim

import (
	"strings"

	filter "github.com/scim2/filter-parser/v2"
)

// parseSimple parses the filter every identity provider sends on every
// lookup, one comparison of a string (userName eq "…", externalId eq
// "…"), or a presence test, without scim2/filter-parser: that parser's
// generic PEG machinery spent 85 % of a lookup's CPU in the adapter
// (BenchmarkLookup, 146 µs and 1,733 allocations a request before this
// path). Anything else, a schema URN, a value that is not a plain string,
// spaces it does not expect, goes to the library. The result is the
// library's own AST, the same value it would build: TestSimpleFilterAgrees
// and FuzzSimpleFilter compare the two.
func parseSimple(s string) (*filter.AttributeExpression, bool) {
	i := attrNameEnd(s, 0)
	if i == 0 {
		return nil, false
	}
	path := filter.AttributePath{AttributeName: s[:i]}
	if i < len(s) && s[i] == '.' {
		j := attrNameEnd(s, i+1)
		if j == i+1 {
			return nil, false
		}
		sub := s[i+1 : j]
		path.SubAttribute = &sub
		i = j
	}
	if i+3 > len(s) || s[i] != ' ' {
		return nil, false
	}
	op := filter.CompareOperator(strings.ToLower(s[i+1 : i+3]))
	rest := s[i+3:]
	switch op {
	case filter.PR:
		if rest != "" {
			return nil, false
		}
		return &filter.AttributeExpression{AttributePath: path, Operator: op}, true
	case filter.EQ, filter.NE, filter.CO, filter.SW, filter.EW, filter.GT, filter.LT, filter.GE, filter.LE:
	default:
		return nil, false
	}
	if len(rest) < 3 || rest[0] != ' ' || rest[1] != '"' || rest[len(rest)-1] != '"' {
		return nil, false
	}
	value := rest[2 : len(rest)-1]
	for k := 0; k < len(value); k++ {
		switch c := value[k]; {
		case c == '"' || c < 0x20 || c == 0x7f:
			return nil, false
		case c == '\\':
			if k+1 >= len(value) || !strings.ContainsRune(`"\/bfnrt`, rune(value[k+1])) {
				return nil, false // \u escapes and the unexpected: the library's path
			}
			k++
		}
	}
	return &filter.AttributeExpression{AttributePath: path, Operator: op, CompareValue: value}, true
}

// attrNameEnd returns where an ATTRNAME (ALPHA *(ALPHA / DIGIT / "-" /
// "_")) starting at i ends, i itself when there is none.
func attrNameEnd(s string, i int) int {
	if i >= len(s) || !isAlpha(s[i]) {
		return i
	}
	j := i + 1
	for j < len(s) && (isAlpha(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '-' || s[j] == '_') {
		j++
	}
	return j
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
