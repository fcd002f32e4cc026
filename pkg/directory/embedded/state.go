package embedded

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/dirgate/dirgate/pkg/directory"
)

// state is the whole directory in memory with its indexes. The store
// loads it from the database at open and changes it only through a txn,
// after which the database holds the same. Reads never touch the disk.
type state struct {
	base   *baseRec
	ous    map[string]*ouRec
	users  map[string]*userRec
	groups map[string]*groupRec

	// dns maps every normalized DN to its entry's id.
	dns map[string]string
	// userNames and groupNames map folded names to ids: names are unique
	// in the whole domain, ignoring case.
	userNames  map[string]string
	groupNames map[string]string
	uidNumbers map[int64]string
	gidNumbers map[int64]string
	// primaryGIDs counts the users whose primary group is each gidNumber,
	// so that AllocateID never hands out a gid users already point at.
	primaryGIDs map[int64]int
	// children maps a container's id to the ids of its direct children;
	// subOUs to those of its child OUs only, so that walking the OU tree
	// does not visit every user.
	children map[string]map[string]struct{}
	subOUs   map[string]map[string]struct{}
	// memberOf maps a user's or group's id to the groups listing it.
	memberOf map[string]map[string]struct{}
	// counters hold the next number of each id sequence.
	counters map[directory.IDKind]int64

	// byUsername is every user sorted by folded username, then id: the
	// default order of searches, built on first use after a change.
	byUsername atomic.Pointer[[]*userRec]
	// orders holds every user sorted by other sort keys, so that paging
	// through a listing sorts once, not once per page.
	orders orderCache
}

// orderCache maps a sort specification to every user in that order. A
// change of any user empties it; readers fill it under the shared lock,
// hence its own mutex.
type orderCache struct {
	mu sync.Mutex
	m  map[string][]*userRec
}

// maxOrders bounds the cache: a client sorting by every field in turn
// must not hold memory for each.
const maxOrders = 8

func (c *orderCache) get(key string) []*userRec {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[key]
}

func (c *orderCache) put(key string, users []*userRec) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxOrders {
		c.m = map[string][]*userRec{}
	}
	c.m[key] = users
}

func (c *orderCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
}

// userOrderChanged drops every cached order of users.
func (s *state) userOrderChanged() {
	s.byUsername.Store(nil)
	s.orders.clear()
}

func newState() *state {
	return &state{
		ous: map[string]*ouRec{}, users: map[string]*userRec{}, groups: map[string]*groupRec{},
		dns: map[string]string{}, userNames: map[string]string{}, groupNames: map[string]string{},
		uidNumbers: map[int64]string{}, gidNumbers: map[int64]string{}, primaryGIDs: map[int64]int{},
		children: map[string]map[string]struct{}{}, subOUs: map[string]map[string]struct{}{},
		memberOf: map[string]map[string]struct{}{},
		counters: map[directory.IDKind]int64{},
	}
}

// normDN normalizes a DN the store built; those always parse.
func normDN(dn string) string {
	n, err := directory.NormalizeDN(dn)
	if err != nil {
		return fold(dn)
	}
	return n
}

func addTo(m map[string]map[string]struct{}, key, id string) {
	set := m[key]
	if set == nil {
		set = map[string]struct{}{}
		m[key] = set
	}
	set[id] = struct{}{}
}

func removeFrom(m map[string]map[string]struct{}, key, id string) {
	if set := m[key]; set != nil {
		delete(set, id)
		if len(set) == 0 {
			delete(m, key)
		}
	}
}

// The add and remove methods keep every index in step with the maps of
// records. They do not check uniqueness: callers do, before changing.

func (s *state) setBase(b *baseRec) {
	if s.base != nil {
		delete(s.dns, normDN(s.base.DN))
	}
	s.base = b
	if b != nil {
		s.dns[normDN(b.DN)] = b.ID
	}
}

func (s *state) addOU(o *ouRec) {
	s.ous[o.ID] = o
	s.dns[normDN(o.DN)] = o.ID
	addTo(s.children, o.Parent, o.ID)
	addTo(s.subOUs, o.Parent, o.ID)
}

func (s *state) removeOU(o *ouRec) {
	delete(s.ous, o.ID)
	delete(s.dns, normDN(o.DN))
	removeFrom(s.children, o.Parent, o.ID)
	removeFrom(s.subOUs, o.Parent, o.ID)
}

func (s *state) addUser(u *userRec) {
	u.key = fold(u.Username)
	s.users[u.ID] = u
	s.dns[normDN(u.DN)] = u.ID
	s.userNames[u.key] = u.ID
	if u.UIDNumber > 0 {
		s.uidNumbers[u.UIDNumber] = u.ID
	}
	if u.GIDNumber > 0 {
		s.primaryGIDs[u.GIDNumber]++
	}
	addTo(s.children, u.Parent, u.ID)
	s.userOrderChanged()
}

func (s *state) removeUser(u *userRec) {
	delete(s.users, u.ID)
	delete(s.dns, normDN(u.DN))
	delete(s.userNames, u.key)
	if u.UIDNumber > 0 {
		delete(s.uidNumbers, u.UIDNumber)
	}
	if u.GIDNumber > 0 {
		if s.primaryGIDs[u.GIDNumber]--; s.primaryGIDs[u.GIDNumber] <= 0 {
			delete(s.primaryGIDs, u.GIDNumber)
		}
	}
	removeFrom(s.children, u.Parent, u.ID)
	s.userOrderChanged()
}

func (s *state) addGroup(g *groupRec) {
	g.key = fold(g.Name)
	s.groups[g.ID] = g
	s.dns[normDN(g.DN)] = g.ID
	s.groupNames[g.key] = g.ID
	if g.GIDNumber > 0 {
		s.gidNumbers[g.GIDNumber] = g.ID
	}
	addTo(s.children, g.Parent, g.ID)
	for _, m := range g.Members {
		addTo(s.memberOf, m, g.ID)
	}
}

func (s *state) removeGroup(g *groupRec) {
	delete(s.groups, g.ID)
	delete(s.dns, normDN(g.DN))
	delete(s.groupNames, g.key)
	if g.GIDNumber > 0 {
		delete(s.gidNumbers, g.GIDNumber)
	}
	removeFrom(s.children, g.Parent, g.ID)
	for _, m := range g.Members {
		removeFrom(s.memberOf, m, g.ID)
	}
}

// entry describes any entry by id: its type, DN, name and parent.
func (s *state) entry(id string) (directory.Entry, string, bool) {
	if s.base != nil && id == s.base.ID {
		return directory.Entry{Type: directory.EntryOther, ID: id, DN: s.base.DN}, "", true
	}
	if o, ok := s.ous[id]; ok {
		return directory.Entry{Type: directory.EntryOU, ID: id, DN: o.DN, Name: o.Name}, o.Parent, true
	}
	if u, ok := s.users[id]; ok {
		return directory.Entry{Type: directory.EntryUser, ID: id, DN: u.DN, Name: u.Username}, u.Parent, true
	}
	if g, ok := s.groups[id]; ok {
		return directory.Entry{Type: directory.EntryGroup, ID: id, DN: g.DN, Name: g.Name}, g.Parent, true
	}
	return directory.Entry{}, "", false
}

// isContainer reports whether entries may be created below id: the base
// and OUs.
func (s *state) isContainer(id string) bool {
	_, ou := s.ous[id]
	return ou || (s.base != nil && id == s.base.ID)
}

// dnOf returns the DN of a container.
func (s *state) dnOf(id string) string {
	if s.base != nil && id == s.base.ID {
		return s.base.DN
	}
	if o, ok := s.ous[id]; ok {
		return o.DN
	}
	return ""
}

// subtree returns id and every entry below it, parents before children.
func (s *state) subtree(id string) []string {
	out := []string{id}
	for i := 0; i < len(out); i++ {
		for kid := range s.children[out[i]] {
			out = append(out, kid)
		}
	}
	return out
}

// containersUnder returns the set of containers at or below id.
func (s *state) containersUnder(id string) map[string]bool {
	set := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		for kid := range s.subOUs[c] {
			if !set[kid] {
				set[kid] = true
				queue = append(queue, kid)
			}
		}
	}
	return set
}

// sortedUsers returns every user in the default order. Concurrent readers
// may each build it once after a change; the result is the same.
func (s *state) sortedUsers() []*userRec {
	if p := s.byUsername.Load(); p != nil {
		return *p
	}
	all := make([]*userRec, 0, len(s.users))
	for _, u := range s.users {
		all = append(all, u)
	}
	slices.SortFunc(all, compareUserKeys)
	s.byUsername.Store(&all)
	return all
}

func compareUserKeys(a, b *userRec) int {
	if a.key != b.key {
		if a.key < b.key {
			return -1
		}
		return 1
	}
	if a.ID < b.ID {
		return -1
	}
	if a.ID > b.ID {
		return 1
	}
	return 0
}
