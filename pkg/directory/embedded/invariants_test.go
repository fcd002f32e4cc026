package embedded

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// checkInvariants checks that every index agrees with the records, that
// every reference (parent, member) points at an entry, that DNs follow the
// layout, and that the database file holds exactly what memory holds.
func checkInvariants(t testing.TB, d *Directory) {
	t.Helper()
	d.mu.RLock()
	defer d.mu.RUnlock()
	s := d.st
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("invariant: "+format, args...)
	}
	indexed := func(id, dn, parent string) {
		t.Helper()
		if s.dns[normDN(dn)] != id {
			fail("%s is not indexed by its DN", dn)
		}
		if !s.isContainer(parent) {
			fail("the parent %q of %s is no container", parent, dn)
		}
		if _, ok := s.children[parent][id]; !ok {
			fail("%s is not among its parent's children", dn)
		}
	}
	if s.dns[normDN(s.base.DN)] != s.base.ID {
		fail("the base is not indexed")
	}
	for id, o := range s.ous {
		indexed(id, o.DN, o.Parent)
		if want := directory.ChildDN("ou", o.Name, s.dnOf(o.Parent)); o.DN != want {
			fail("OU DN %q, want %q", o.DN, want)
		}
	}
	primary := map[int64]int{}
	for id, u := range s.users {
		indexed(id, u.DN, u.Parent)
		if want := directory.ChildDN("uid", u.Username, s.dnOf(u.Parent)); u.DN != want {
			fail("user DN %q, want %q", u.DN, want)
		}
		if s.userNames[fold(u.Username)] != id || u.key != fold(u.Username) {
			fail("user %s is not indexed by name", u.Username)
		}
		if u.UIDNumber > 0 && s.uidNumbers[u.UIDNumber] != id {
			fail("user %s is not indexed by uidNumber", u.Username)
		}
		if u.GIDNumber > 0 {
			primary[u.GIDNumber]++
		}
	}
	for id, g := range s.groups {
		indexed(id, g.DN, g.Parent)
		if want := directory.ChildDN("cn", g.Name, s.dnOf(g.Parent)); g.DN != want {
			fail("group DN %q, want %q", g.DN, want)
		}
		if s.groupNames[fold(g.Name)] != id || (g.GIDNumber > 0 && s.gidNumbers[g.GIDNumber] != id) {
			fail("group %s is not indexed by name or gidNumber", g.Name)
		}
		for i, m := range g.Members {
			_, user := s.users[m]
			_, group := s.groups[m]
			switch {
			case !user && !group:
				fail("group %s lists %q, which is no user or group", g.Name, m)
			case m == id || slices.Index(g.Members, m) != i:
				fail("group %s lists %q twice or itself", g.Name, m)
			}
			if _, ok := s.memberOf[m][id]; !ok {
				fail("memberOf[%s] lacks %s", m, g.Name)
			}
		}
	}
	for m, set := range s.memberOf {
		for gid := range set {
			if g, ok := s.groups[gid]; !ok || !slices.Contains(g.Members, m) {
				fail("memberOf[%s] holds %s, which does not list it", m, gid)
			}
		}
	}
	for parent, set := range s.subOUs {
		for kid := range set {
			if o, ok := s.ous[kid]; !ok || o.Parent != parent {
				fail("subOUs[%s] holds %s, which is no OU below it", parent, kid)
			}
		}
	}
	for id, o := range s.ous {
		if _, ok := s.subOUs[o.Parent][id]; !ok {
			fail("OU %s is not among its parent's sub-OUs", o.DN)
		}
	}
	for parent, set := range s.children {
		for kid := range set {
			if _, p, ok := s.entry(kid); !ok || p != parent {
				fail("children[%s] holds %s, whose parent is %q", parent, kid, p)
			}
		}
	}
	if n := 1 + len(s.ous) + len(s.users) + len(s.groups); len(s.dns) != n {
		fail("%d DNs indexed for %d entries", len(s.dns), n)
	}
	if len(s.userNames) != len(s.users) || len(s.groupNames) != len(s.groups) {
		fail("name indexes hold %d users and %d groups for %d and %d", len(s.userNames), len(s.groupNames), len(s.users), len(s.groups))
	}
	if !maps.Equal(primary, s.primaryGIDs) {
		fail("primaryGIDs %v, want %v", s.primaryGIDs, primary)
	}

	// The file holds what memory holds.
	var disk *state
	err := d.db.View(func(tx *bolt.Tx) error {
		var err error
		disk, err = readState(tx)
		return err
	})
	if err != nil {
		t.Fatalf("reading the database: %v", err)
	}
	for _, pair := range [][2]any{{disk.base, s.base}, {disk.ous, s.ous}, {disk.users, s.users}, {disk.groups, s.groups}, {disk.counters, s.counters}} {
		a, _ := json.Marshal(pair[0])
		b, _ := json.Marshal(pair[1])
		if !reflect.DeepEqual(a, b) {
			fail("the database differs from memory:\n disk   %s\n memory %s", a, b)
		}
	}
}
