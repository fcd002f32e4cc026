package readmodel

import (
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Evaluating the port's filter language (directory.Filter) on the model,
// as slapd evaluates the filter the LDAP backend compiles from it
// (pkg/directory/ldap/filter.go). Whatever the evaluator cannot answer
// exactly — an operator or field it does not know (the language grows:
// a new Op lands here first as a refusal), a value it cannot prepare as
// the server would — is errRoute, and the query goes to the directory.
//
// A filter is compiled once per query into a predicate, so that the
// entries a search passes cost no lookups of fields or rules.

// errRoute: the model does not answer this query; the directory does.
var errRoute = errors.New("readmodel: answered by the directory")

// matcher compiles filters for entries of one kind.
type matcher struct {
	matching map[directory.Field]Matching
}

// pred is a compiled filter; an error is errRoute.
type pred func(e *Entry) (bool, error)

func matchAll(*Entry) (bool, error) { return true, nil }

func (m matcher) compile(f directory.Filter) (pred, error) {
	switch n := f.(type) {
	case nil:
		return matchAll, nil
	case directory.Cond:
		return m.cond(n)
	case directory.And, directory.Or:
		var list []directory.Filter
		and := false
		if a, ok := n.(directory.And); ok {
			list, and = a, true
		} else {
			list = n.(directory.Or)
		}
		kids := make([]pred, len(list))
		for i, c := range list {
			p, err := m.compile(c)
			if err != nil {
				return nil, err
			}
			kids[i] = p
		}
		return func(e *Entry) (bool, error) {
			for _, k := range kids {
				ok, err := k(e)
				if err != nil {
					return false, err
				}
				if ok != and {
					return ok, nil // And: a false decides; Or: a true
				}
			}
			return and, nil
		}, nil
	case directory.Not:
		inner, err := m.compile(n.Filter)
		if err != nil {
			return nil, err
		}
		return func(e *Entry) (bool, error) {
			ok, err := inner(e)
			return !ok, err
		}, nil
	}
	return nil, errRoute
}

func (m matcher) cond(c directory.Cond) (pred, error) {
	rule, ok := m.matching[c.Field]
	slot, known := fieldSlots[c.Field]
	if !ok || !known {
		return nil, errRoute
	}
	switch c.Op {
	case directory.OpPresent:
		if rule == MatchBool {
			return func(e *Entry) (bool, error) { return isTrue(e.field(slot)), nil }, nil
		}
		return func(e *Entry) (bool, error) { return len(e.field(slot)) > 0, nil }, nil
	case directory.OpEq, directory.OpIn:
		var eqs []func([]string) (bool, error)
		for _, v := range c.Values {
			eq, err := equality(rule, v)
			if err != nil {
				return nil, err
			}
			eqs = append(eqs, eq)
		}
		return func(e *Entry) (bool, error) {
			vals := e.field(slot)
			for _, eq := range eqs {
				ok, err := eq(vals)
				if err != nil || ok {
					return ok, err
				}
			}
			return false, nil
		}, nil
	case directory.OpContains, directory.OpStartsWith:
		if rule != MatchCaseIgnore && rule != MatchCaseExact {
			return nil, errRoute
		}
		if c.Values[0] == "" {
			return func(e *Entry) (bool, error) { return len(e.field(slot)) > 0, nil }, nil
		}
		fold := rule == MatchCaseIgnore
		want, ok := assertionKey(c.Values[0], fold)
		if !ok {
			return nil, errRoute
		}
		prefix := c.Op == directory.OpStartsWith
		return func(e *Entry) (bool, error) {
			for _, v := range e.field(slot) {
				key, sure := textKey(v, fold)
				if !sure {
					return false, errRoute
				}
				if prefix && strings.HasPrefix(key, want) || !prefix && strings.Contains(key, want) {
					return true, nil
				}
			}
			return false, nil
		}, nil
	case directory.OpBefore, directory.OpAfter:
		if rule != MatchTime {
			return nil, errRoute
		}
		at, err := time.Parse(time.RFC3339Nano, c.Values[0])
		if err != nil {
			return nil, errRoute
		}
		before := c.Op == directory.OpBefore
		return func(e *Entry) (bool, error) {
			for _, v := range e.field(slot) {
				t, ok := parseGeneralizedTime(v)
				if !ok {
					return false, errRoute
				}
				if before && t.Before(at) || !before && t.After(at) {
					return true, nil
				}
			}
			return false, nil
		}, nil
	}
	return nil, errRoute
}

// equality compiles one equality assertion of a rule.
func equality(rule Matching, v string) (func([]string) (bool, error), error) {
	switch rule {
	case MatchBool:
		want := v == "true"
		return func(vals []string) (bool, error) { return isTrue(vals) == want, nil }, nil
	case MatchNumber:
		n, err := directory.ParseNumber(v)
		if err != nil {
			return nil, errRoute
		}
		return func(vals []string) (bool, error) {
			for _, s := range vals {
				k, err := directory.ParseNumber(s)
				if err != nil {
					return false, errRoute
				}
				if k == n {
					return true, nil
				}
			}
			return false, nil
		}, nil
	case MatchID:
		u, err := uuid.Parse(v)
		if err != nil {
			return func([]string) (bool, error) { return false, nil }, nil // the backend sends a filter matching nothing
		}
		want := u.String()
		return func(vals []string) (bool, error) {
			for _, s := range vals {
				if strings.EqualFold(s, want) {
					return true, nil
				}
			}
			return false, nil
		}, nil
	case MatchDN:
		want, err := directory.NormalizeDN(v)
		if err != nil {
			return func([]string) (bool, error) { return false, nil }, nil // the backend sends a filter matching nothing
		}
		return func(vals []string) (bool, error) {
			for _, s := range vals {
				if dnKey(s) == want {
					return true, nil
				}
			}
			return false, nil
		}, nil
	case MatchCaseIgnore, MatchCaseExact, MatchEqualityExact:
		fold := rule == MatchCaseIgnore
		want, ok := assertionKey(v, fold)
		if !ok {
			return nil, errRoute
		}
		return func(vals []string) (bool, error) {
			for _, s := range vals {
				key, sure := textKey(s, fold)
				if !sure {
					return false, errRoute
				}
				if key == want {
					return true, nil
				}
			}
			return false, nil
		}, nil
	}
	return nil, errRoute
}

// isTrue: dirgate's booleans are TRUE or absent.
func isTrue(vals []string) bool {
	for _, v := range vals {
		if strings.EqualFold(v, "TRUE") {
			return true
		}
	}
	return false
}

// parseGeneralizedTime reads the times slapd writes (with or without a
// fraction of a second, always UTC).
func parseGeneralizedTime(s string) (time.Time, bool) {
	t, err := time.Parse("20060102150405.999999999Z", s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
