package privacyidea

import (
	"context"
	"slices"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// controlKeys are GET /user parameters that choose where and what to show
// rather than search a field.
var controlKeys = []string{"realm", "resolver", "user", "username", "attributes", "include_custom_attributes", "password", "userid"}

// term is one search of GET /user: a privacyIDEA key and its value.
type term struct {
	key     string
	value   string
	literal bool // a "*" in value is a character, not a wildcard
}

// searchTerms reads the search keys of a request: "user" (which wins) or
// "username", and every other key that is not a control key. Whether a key
// names a field is each resolver's business; empty values search nothing.
// A search on a key the resolver does not map finds nothing in it: the
// original's resolvers raise ParameterError and get_user_list skips them.
func searchTerms(p params) ([]term, *apiError) {
	var terms []term
	for key := range p {
		if slices.Contains(controlKeys, key) {
			continue
		}
		v, err := p.str(key)
		if err != nil {
			return nil, err
		}
		// Kept even when empty: a key the resolver does not map still
		// empties its answer.
		terms = append(terms, term{key: key, value: v})
	}
	for _, key := range []string{"user", "username"} {
		v, err := p.str(key)
		if err != nil {
			return nil, err
		}
		if v != "" {
			terms = append(terms, term{key: "username", value: v})
			break
		}
	}
	return terms, nil
}

// criterion is a term bound to a resolver's field.
type criterion struct {
	attr    attribute
	pattern wildcard
}

// search runs the terms on one resolver: a server-side search under its
// subtree, then, for patterns the filter language could only widen, the
// exact match on what came back.
func (r *resolver) search(ctx context.Context, c identity.Caller, terms []term, limit int) ([]directory.User, error) {
	var and directory.And
	var refine []criterion
	for _, t := range terms {
		a, ok := r.attribute(t.key)
		if !ok {
			return nil, nil // LDAPIdResolver.getUserList: "Search parameter … not available"
		}
		if t.value == "" {
			continue
		}
		w := parseWildcard(t.value)
		if t.literal {
			w = wildcard{pieces: []string{t.value}}
		}
		and = append(and, w.filter(a.field))
		if !w.exact() {
			refine = append(refine, criterion{attr: a, pattern: w})
		}
	}
	q := directory.Query{
		Base:  r.subtree,
		Scope: directory.ScopeSubtree,
		Sort:  []directory.SortKey{{Field: directory.FieldUsername}},
		Limit: limit,
	}
	if len(and) > 0 {
		q.Filter = and
	}
	page, err := r.domain.SearchUsers(ctx, c, q)
	if err != nil {
		return nil, err
	}
	users := page.Items[:0]
	for _, u := range page.Items {
		if matchesAll(&u, refine) {
			users = append(users, u)
		}
	}
	return users, nil
}

func matchesAll(u *directory.User, cs []criterion) bool {
	for _, c := range cs {
		if !slices.ContainsFunc(c.attr.stringsOf(u), c.pattern.match) {
			return false
		}
	}
	return true
}
