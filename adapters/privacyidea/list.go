package privacyidea

import (
	"slices"

	"github.com/labstack/echo/v4"
)

// target is a resolver to search and the realm its users are shown in.
type target struct {
	res   *resolver
	realm string
}

// handleList is GET /user/: an admin lists the users of the realms and
// resolvers asked for (all realms it may see when none); a user token
// always sees only itself.
func (d *Dialect) handleList(c echo.Context) error {
	s, err := d.authenticate(c)
	if err != nil {
		return d.answer(c, actionUserList, nil, err)
	}
	p, apiErr := readParams(c)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	terms, apiErr := searchTerms(p)
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}
	keys, _, apiErr := p.commaList("attributes")
	if apiErr != nil {
		return d.env.fail(c, apiErr)
	}

	var targets []target
	var g grant
	if s.admin() {
		if g, apiErr = d.adminGrant(s, actionUserList); apiErr != nil {
			return d.env.fail(c, apiErr)
		}
		if targets, apiErr = d.listTargets(p, g); apiErr != nil {
			return d.env.fail(c, apiErr)
		}
	} else {
		// privacyIDEA overwrites user, realm and resolver with the token's
		// own: whatever else was asked, the search is the caller's entry.
		targets = []target{{res: s.res, realm: s.realm}}
		terms = append(slices.DeleteFunc(terms, func(t term) bool { return t.key == "username" }),
			term{key: "username", value: s.self.Username, literal: true})
	}

	entries := []map[string]any{}
	for _, t := range targets {
		scope := d.scope(s, g, actionUserList, t.res)
		users, err := t.res.search(ctx(c), d.caller(c, s, scope), terms, d.sizeLimit)
		if err != nil {
			return d.answer(c, actionUserList, nil, err)
		}
		for i := range users {
			entries = append(entries, only(t.res.entry(&users[i], t.realm), keys))
		}
	}
	return d.env.ok(c, entries)
}

// listTargets picks the resolvers of a listing, as privacyIDEA's
// get_user_list does: realm (a comma list) and resolver add up; an
// unknown realm or resolver adds nothing; neither means every realm the admin's
// policies let it list (the original's realmadmin behaviour).
func (d *Dialect) listTargets(p params, g grant) ([]target, *apiError) {
	realmNames, _, apiErr := p.commaList("realm")
	if apiErr != nil {
		return nil, apiErr
	}
	resolverName, apiErr := p.str("resolver")
	if apiErr != nil {
		return nil, apiErr
	}
	var targets []target
	add := func(res *resolver, realmName string) {
		if !slices.ContainsFunc(targets, func(t target) bool { return t.res == res }) {
			targets = append(targets, target{res: res, realm: realmName})
		}
	}
	var realms []*realm
	for _, name := range realmNames {
		if rl, ok := d.topo.realm(name); ok {
			realms = append(realms, rl)
		}
	}
	// An unknown resolver adds nothing, as the original's
	// get_realms_of_resolver finds no realm for it.
	if res, ok := d.topo.resolver(resolverName); resolverName != "" && ok {
		shownIn := d.topo.realmOf(res)
		for _, rl := range realms {
			if rl.holds(res) {
				shownIn = rl.name
				break
			}
		}
		add(res, shownIn)
	}
	for _, rl := range realms {
		for _, res := range rl.resolvers {
			add(res, rl.name)
		}
	}
	if len(realmNames) == 0 && resolverName == "" {
		for _, rl := range d.topo.realmOrder {
			if g.allowsRealm(rl.name) {
				for _, res := range rl.resolvers {
					add(res, rl.name)
				}
			}
		}
	}
	return targets, nil
}

// only keeps the keys the "attributes" parameter names, when it names any.
func only(entry map[string]any, keys []string) map[string]any {
	if len(keys) == 0 {
		return entry
	}
	out := make(map[string]any, len(keys))
	for _, k := range keys {
		if v, ok := entry[k]; ok {
			out[k] = v
		}
	}
	return out
}
