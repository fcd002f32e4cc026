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

// errRoute: the model does not answer this query; the directory does.
var errRoute = errors.New("readmodel: answered by the directory")

// matcher evaluates filters on entries of one kind.
type matcher struct {
	matching map[directory.Field]Matching
}

func (m matcher) match(e *Entry, f directory.Filter) (bool, error) {
	switch n := f.(type) {
	case nil:
		return true, nil
	case directory.Cond:
		return m.cond(e, n)
	case directory.And:
		for _, c := range n {
			ok, err := m.match(e, c)
			if err != nil || !ok {
				return false, err
			}
		}
		return true, nil
	case directory.Or:
		for _, c := range n {
			ok, err := m.match(e, c)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case directory.Not:
		ok, err := m.match(e, n.Filter)
		return !ok, err
	}
	return false, errRoute
}

func (m matcher) cond(e *Entry, c directory.Cond) (bool, error) {
	rule, ok := m.matching[c.Field]
	if !ok {
		return false, errRoute
	}
	vals := e.Values[c.Field]
	switch c.Op {
	case directory.OpPresent:
		if rule == MatchBool {
			return isTrue(vals), nil
		}
		return len(vals) > 0, nil
	case directory.OpEq:
		return m.eq(rule, vals, c.Values[0])
	case directory.OpIn:
		for _, v := range c.Values {
			ok, err := m.eq(rule, vals, v)
			if err != nil || ok {
				return ok, err
			}
		}
		return false, nil
	case directory.OpContains, directory.OpStartsWith:
		if rule != MatchCaseIgnore && rule != MatchCaseExact {
			return false, errRoute
		}
		if c.Values[0] == "" {
			return len(vals) > 0, nil
		}
		want, ok := assertionKey(c.Values[0], rule == MatchCaseIgnore)
		if !ok {
			return false, errRoute
		}
		for _, v := range vals {
			key, sure := textKey(v, rule == MatchCaseIgnore)
			if !sure {
				return false, errRoute
			}
			if c.Op == directory.OpStartsWith && strings.HasPrefix(key, want) ||
				c.Op == directory.OpContains && strings.Contains(key, want) {
				return true, nil
			}
		}
		return false, nil
	case directory.OpBefore, directory.OpAfter:
		if rule != MatchTime {
			return false, errRoute
		}
		at, err := time.Parse(time.RFC3339Nano, c.Values[0])
		if err != nil {
			return false, errRoute
		}
		for _, v := range vals {
			t, ok := parseGeneralizedTime(v)
			if !ok {
				return false, errRoute
			}
			if c.Op == directory.OpBefore && t.Before(at) || c.Op == directory.OpAfter && t.After(at) {
				return true, nil
			}
		}
		return false, nil
	}
	return false, errRoute
}

func (m matcher) eq(rule Matching, vals []string, v string) (bool, error) {
	switch rule {
	case MatchBool:
		return isTrue(vals) == (v == "true"), nil
	case MatchNumber:
		n, err := directory.ParseNumber(v)
		if err != nil {
			return false, errRoute
		}
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
	case MatchID:
		u, err := uuid.Parse(v)
		if err != nil {
			return false, nil // the backend sends a filter matching nothing
		}
		for _, s := range vals {
			if strings.EqualFold(s, u.String()) {
				return true, nil
			}
		}
		return false, nil
	case MatchDN:
		want, err := directory.NormalizeDN(v)
		if err != nil {
			return false, nil // the backend sends a filter matching nothing
		}
		for _, s := range vals {
			if dnKey(s) == want {
				return true, nil
			}
		}
		return false, nil
	case MatchCaseIgnore, MatchCaseExact, MatchEqualityExact:
		want, ok := assertionKey(v, rule == MatchCaseIgnore)
		if !ok {
			return false, errRoute
		}
		for _, s := range vals {
			key, sure := textKey(s, rule == MatchCaseIgnore)
			if !sure {
				return false, errRoute
			}
			if key == want {
				return true, nil
			}
		}
		return false, nil
	}
	return false, errRoute
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
