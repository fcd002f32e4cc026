package readmodel

// idIndex maps keys (a name, a number, a member's DN) to the ids of the
// entries having them, in the order they were added. Nearly every key has
// one id: it is kept in one, with no slice per key (a slice header and its
// array cost 40 bytes more per key); keys with more live in more.
type idIndex[K comparable] struct {
	one  map[K]string
	more map[K][]string
}

func newIDIndex[K comparable]() *idIndex[K] {
	return &idIndex[K]{one: map[K]string{}, more: map[K][]string{}}
}

// add appends id to k's ids (twice if added twice, as append would).
func (x *idIndex[K]) add(k K, id string) {
	if ids, ok := x.more[k]; ok {
		x.more[k] = append(ids, id)
		return
	}
	if first, ok := x.one[k]; ok {
		delete(x.one, k)
		x.more[k] = []string{first, id}
		return
	}
	x.one[k] = id
}

// remove drops every occurrence of id from k's ids.
func (x *idIndex[K]) remove(k K, id string) {
	if ids, ok := x.more[k]; ok {
		ids = without(ids, id)
		switch len(ids) {
		case 0:
			delete(x.more, k)
		case 1:
			delete(x.more, k)
			x.one[k] = ids[0]
		default:
			x.more[k] = ids
		}
		return
	}
	if first, ok := x.one[k]; ok && first == id {
		delete(x.one, k)
	}
}

// get returns k's ids, using buf for a single one (so that a lookup need
// not allocate); the caller must not keep the slice past buf's life nor
// change it.
func (x *idIndex[K]) get(k K, buf *[1]string) []string {
	if ids, ok := x.more[k]; ok {
		return ids
	}
	if id, ok := x.one[k]; ok {
		buf[0] = id
		return buf[:]
	}
	return nil
}
