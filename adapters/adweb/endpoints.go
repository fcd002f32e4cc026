package adweb

import (
	"slices"
	"strings"
)

// Endpoint describes one AD Web call: its name under the prefix (matched
// ignoring case) and the methods it answers.
type Endpoint struct {
	Name    string
	Methods []string
}

// Endpoints lists every endpoint, by name. AD Web dispatches by name
// behind one catch-all route, so the router alone cannot show them: this
// is for whatever must see the whole surface (the auth matrix test fails
// on an endpoint it has no entry for).
func Endpoints() []Endpoint {
	out := make([]Endpoint, 0, len(routes))
	for _, e := range routes {
		out = append(out, Endpoint{Name: e.name, Methods: slices.Clone(e.methods)})
	}
	slices.SortFunc(out, func(a, b Endpoint) int { return strings.Compare(a.Name, b.Name) })
	return out
}
