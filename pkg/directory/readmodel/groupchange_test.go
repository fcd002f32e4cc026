package readmodel

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"unsafe"
)

func groupChangeStore(users int) (*store, []string) {
	s := newStore(Shape{})
	dns := make([]string, users)
	for i := range dns {
		dns[i] = fmt.Sprintf("uid=u%d,ou=people,dc=example,dc=com", i)
		s.put(Entry{Kind: KindUser, ID: fmt.Sprintf("u%d", i), DN: dns[i]})
	}
	return s, dns
}

// holdersOf is the holder index as a map: member key → sorted group ids.
func holdersOf(s *store, dns []string) map[string][]string {
	out := map[string][]string{}
	for _, dn := range dns {
		var buf [1]string
		if ids := s.holders.get(dnKey(dn), &buf); len(ids) > 0 {
			out[dn] = slices.Sorted(slices.Values(ids))
		}
	}
	return out
}

// TestGroupChangeKeepsIndexes: a group put again with members gone and
// joined anywhere, in runs, reordered (as a change stream sends it: the
// whole entry) leaves the holder index and the member values exactly as
// a store that only ever saw the final group.
func TestGroupChangeKeepsIndexes(t *testing.T) {
	const users = 60
	s, dns := groupChangeStore(users)
	rng := rand.New(rand.NewPCG(1, 2))
	group := func(id string, members []string) Entry {
		return Entry{Kind: KindGroup, ID: id, DN: "cn=" + id + ",ou=groups,dc=example,dc=com", Members: members}
	}
	s.put(group("h", slices.Clone(dns[20:40])))
	var members []string
	for step := range 400 {
		next := slices.Clone(members)
		switch rng.IntN(5) {
		case 0: // a run gone
			if len(next) > 0 {
				at := rng.IntN(len(next))
				next = slices.Delete(next, at, min(len(next), at+1+rng.IntN(12)))
			}
		case 1, 2: // a run joined somewhere
			at := rng.IntN(len(next) + 1)
			for range 1 + rng.IntN(12) {
				if m := dns[rng.IntN(users)]; !slices.Contains(next, m) {
					next = slices.Insert(next, at, m)
				}
			}
		case 3: // reordered
			rng.Shuffle(len(next), func(i, j int) { next[i], next[j] = next[j], next[i] })
		case 4: // one replaced
			if len(next) > 0 {
				if m := dns[rng.IntN(users)]; !slices.Contains(next, m) {
					next[rng.IntN(len(next))] = m
				}
			}
		}
		members = next
		s.put(group("g", slices.Clone(members)))

		fresh, _ := groupChangeStore(users)
		fresh.put(group("h", slices.Clone(dns[20:40])))
		fresh.put(group("g", slices.Clone(members)))
		if got, want := holdersOf(s, dns), holdersOf(fresh, dns); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("step %d: holders\n%v\nwant\n%v", step, got, want)
		}
		if got := s.byID["g"].Members; !slices.Equal(got, members) {
			t.Fatalf("step %d: members %v, want %v", step, got, members)
		}
		for i, m := range s.byID["g"].Members {
			if e := s.byID[s.byDN[dnKey(m)]]; e == nil || unsafe.StringData(m) != unsafe.StringData(e.DN) {
				t.Fatalf("step %d: member %d (%s) does not share its entry's text", step, i, m)
			}
		}
	}
}

// BenchmarkReadModelGroupGrows: one member joins a group of 10,000, as
// Artica's create does to its organization's default group: the stream
// sends the whole group each time.
func BenchmarkReadModelGroupGrows(b *testing.B) {
	const size = 10000
	s, dns := groupChangeStore(size + 1)
	members := slices.Clone(dns[:size])
	for i := 0; b.Loop(); i++ {
		// Alternate between size and size+1 members: one join, one leave.
		m := members
		if i%2 == 0 {
			m = dns
		}
		s.put(Entry{Kind: KindGroup, ID: "g", DN: "cn=g,ou=groups,dc=example,dc=com", Members: m})
	}
}
