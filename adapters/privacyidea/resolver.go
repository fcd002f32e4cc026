package privacyidea

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// resolver is a configured user resolver, bound to its domain.
type resolver struct {
	name     string
	domain   *identity.Domain
	subtree  string
	editable bool
	uid      uidType
	attrs    []attribute
}

// realm is a configured realm: resolvers in order.
type realm struct {
	name      string
	resolvers []*resolver
}

// topology is the realms and resolvers a dialect serves, looked up by
// name ignoring case.
type topology struct {
	resolvers    map[string]*resolver
	realms       map[string]*realm
	realmOrder   []*realm // the default realm first, then by name
	defaultRealm *realm
}

func buildTopology(c *Config, core *identity.Service) (*topology, error) {
	t := &topology{resolvers: map[string]*resolver{}, realms: map[string]*realm{}}
	for name, rc := range c.Resolvers {
		r, err := buildResolver(name, rc, core)
		if err != nil {
			return nil, fmt.Errorf("privacyidea: resolver %q: %w", name, err)
		}
		t.resolvers[strings.ToLower(name)] = r
	}
	for name, rc := range c.Realms {
		rl := &realm{name: strings.ToLower(name)}
		for _, res := range rc.Resolvers {
			rl.resolvers = append(rl.resolvers, t.resolvers[strings.ToLower(res)])
		}
		t.realms[rl.name] = rl
		t.realmOrder = append(t.realmOrder, rl)
	}
	if c.DefaultRealm != "" {
		t.defaultRealm = t.realms[strings.ToLower(c.DefaultRealm)]
	} else if len(t.realmOrder) == 1 {
		t.defaultRealm = t.realmOrder[0]
	}
	sort.Slice(t.realmOrder, func(i, j int) bool {
		a, b := t.realmOrder[i], t.realmOrder[j]
		if (a == t.defaultRealm) != (b == t.defaultRealm) {
			return a == t.defaultRealm
		}
		return a.name < b.name
	})
	return t, nil
}

func buildResolver(name string, rc ResolverConfig, core *identity.Service) (*resolver, error) {
	d := core.Default()
	if rc.Domain != "" {
		var err error
		if d, err = core.Domain(rc.Domain); err != nil {
			return nil, err
		}
	}
	subtree := rc.Subtree
	if subtree == "" {
		subtree = d.Config().UsersDN
	}
	if _, err := directory.ParseDN(subtree); err != nil {
		return nil, fmt.Errorf("subtree: %w", err)
	}
	if !directory.IsUnder(subtree, d.BaseDN()) {
		return nil, fmt.Errorf("subtree %s is outside the domain %s (%s)", subtree, d.Name(), d.BaseDN())
	}
	uid, err := parseUIDType(rc.UIDType)
	if err != nil {
		return nil, err
	}
	attrs, err := compileAttributes(rc.Attributes)
	if err != nil {
		return nil, err
	}
	return &resolver{name: strings.ToLower(name), domain: d, subtree: subtree, editable: rc.Editable, uid: uid, attrs: attrs}, nil
}

func (t *topology) resolver(name string) (*resolver, bool) {
	r, ok := t.resolvers[strings.ToLower(strings.TrimSpace(name))]
	return r, ok
}

func (t *topology) realm(name string) (*realm, bool) {
	r, ok := t.realms[strings.ToLower(strings.TrimSpace(name))]
	return r, ok
}

// realmOf names the realm a resolver's users are shown in when the
// request named none: the first realm holding it, the default first.
func (t *topology) realmOf(res *resolver) string {
	for _, rl := range t.realmOrder {
		if rl.holds(res) {
			return rl.name
		}
	}
	return ""
}

func (rl *realm) holds(res *resolver) bool {
	for _, r := range rl.resolvers {
		if r == res {
			return true
		}
	}
	return false
}

// attribute returns the mapping of a privacyIDEA key.
func (r *resolver) attribute(key string) (attribute, bool) {
	for _, a := range r.attrs {
		if a.key == key {
			return a, true
		}
	}
	return attribute{}, false
}

// errNotInResolver: the user exists in the domain but not in the
// resolver's subtree, which for privacyIDEA means it does not exist.
var errNotInResolver = fmt.Errorf("%w: not in the resolver", directory.ErrNotFound)

// find looks a user up by login name inside the resolver.
func (r *resolver) find(ctx context.Context, c identity.Caller, username string) (*directory.User, error) {
	if username == "" {
		return nil, errNotInResolver
	}
	return r.inside(r.domain.GetUser(ctx, c, directory.ByName(username)))
}

// findByUserID looks a user up by its userid inside the resolver.
func (r *resolver) findByUserID(ctx context.Context, c identity.Caller, userid string) (*directory.User, error) {
	ref, ok := r.uid.ref(userid)
	if !ok {
		return nil, errNotInResolver
	}
	return r.inside(r.domain.GetUser(ctx, c, ref))
}

func (r *resolver) inside(u *directory.User, err error) (*directory.User, error) {
	if err != nil {
		return nil, err
	}
	if !directory.IsUnder(u.DN, r.subtree) {
		return nil, errNotInResolver
	}
	return u, nil
}

// entry renders a user as GET /user shows it. It never has a password
// key: the model carries no password to show.
func (r *resolver) entry(u *directory.User, realmName string) map[string]any {
	e := make(map[string]any, len(r.attrs)+4)
	for _, a := range r.attrs {
		e[a.key] = a.valueOf(u)
	}
	e["userid"] = r.uid.of(u)
	e["resolver"] = r.name
	e["realm"] = realmName
	e["editable"] = r.editable
	return e
}
