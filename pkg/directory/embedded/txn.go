package embedded

import (
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Bucket names of the database.
var (
	bucketMeta     = []byte("meta")
	bucketOUs      = []byte("ous")
	bucketUsers    = []byte("users")
	bucketGroups   = []byte("groups")
	bucketCounters = []byte("counters")
	allBuckets     = [][]byte{bucketMeta, bucketOUs, bucketUsers, bucketGroups, bucketCounters}

	keyBase    = []byte("base")
	keyVersion = []byte("version")
)

// schemaVersion is the layout of the records; an older file would need
// migrating, a newer one is refused.
const schemaVersion = "1"

// txn is one write: it changes the state in place, remembering how to undo
// each change, and on commit writes every touched record to the database in
// one bbolt transaction. The store holds its write lock throughout, so no
// reader sees a change before it is durable, nor one that is undone.
type txn struct {
	s     *state
	undo  []func()
	dirty map[dirtyKey]struct{}
	// order keeps the dirty keys in the order they were touched, for a
	// deterministic write.
	order []dirtyKey
}

type dirtyKey struct {
	bucket string
	id     string
}

func newTxn(s *state) *txn { return &txn{s: s, dirty: map[dirtyKey]struct{}{}} }

func (x *txn) touch(bucket []byte, id string) {
	k := dirtyKey{string(bucket), id}
	if _, ok := x.dirty[k]; !ok {
		x.dirty[k] = struct{}{}
		x.order = append(x.order, k)
	}
}

// rollback undoes every change, newest first.
func (x *txn) rollback() {
	for i := len(x.undo) - 1; i >= 0; i-- {
		x.undo[i]()
	}
	x.undo, x.dirty, x.order = nil, map[dirtyKey]struct{}{}, nil
}

func (x *txn) setBase(b *baseRec) {
	old := x.s.base
	x.s.setBase(b)
	x.undo = append(x.undo, func() { x.s.setBase(old) })
	x.touch(bucketMeta, string(keyBase))
}

func (x *txn) putOU(o *ouRec) {
	old := x.s.ous[o.ID]
	if old != nil {
		x.s.removeOU(old)
	}
	x.s.addOU(o)
	x.undo = append(x.undo, func() {
		x.s.removeOU(o)
		if old != nil {
			x.s.addOU(old)
		}
	})
	x.touch(bucketOUs, o.ID)
}

func (x *txn) deleteOU(o *ouRec) {
	x.s.removeOU(o)
	x.undo = append(x.undo, func() { x.s.addOU(o) })
	x.touch(bucketOUs, o.ID)
}

func (x *txn) putUser(u *userRec) {
	old := x.s.users[u.ID]
	if old != nil {
		x.s.removeUser(old)
	}
	x.s.addUser(u)
	x.undo = append(x.undo, func() {
		x.s.removeUser(u)
		if old != nil {
			x.s.addUser(old)
		}
	})
	x.touch(bucketUsers, u.ID)
}

func (x *txn) deleteUser(u *userRec) {
	x.s.removeUser(u)
	x.undo = append(x.undo, func() { x.s.addUser(u) })
	x.touch(bucketUsers, u.ID)
}

func (x *txn) putGroup(g *groupRec) {
	old := x.s.groups[g.ID]
	if old != nil {
		x.s.removeGroup(old)
	}
	x.s.addGroup(g)
	x.undo = append(x.undo, func() {
		x.s.removeGroup(g)
		if old != nil {
			x.s.addGroup(old)
		}
	})
	x.touch(bucketGroups, g.ID)
}

func (x *txn) deleteGroup(g *groupRec) {
	x.s.removeGroup(g)
	x.undo = append(x.undo, func() { x.s.addGroup(g) })
	x.touch(bucketGroups, g.ID)
}

func (x *txn) setCounter(kind directory.IDKind, next int64) {
	old, had := x.s.counters[kind]
	x.s.counters[kind] = next
	x.undo = append(x.undo, func() {
		if had {
			x.s.counters[kind] = old
		} else {
			delete(x.s.counters, kind)
		}
	})
	x.touch(bucketCounters, string(kind))
}

// persist writes every touched record, as the state holds it now, into tx.
func (x *txn) persist(tx *bolt.Tx) error {
	for _, k := range x.order {
		b := tx.Bucket([]byte(k.bucket))
		var (
			v   any
			has bool
		)
		switch k.bucket {
		case string(bucketMeta):
			v, has = x.s.base, x.s.base != nil
		case string(bucketOUs):
			v, has = x.s.ous[k.id]
		case string(bucketUsers):
			v, has = x.s.users[k.id]
		case string(bucketGroups):
			v, has = x.s.groups[k.id]
		case string(bucketCounters):
			var n int64
			n, has = x.s.counters[directory.IDKind(k.id)]
			v = strconv.FormatInt(n, 10)
		}
		if !has {
			if err := b.Delete([]byte(k.id)); err != nil {
				return fmt.Errorf("deleting %s/%s: %w", k.bucket, k.id, err)
			}
			continue
		}
		var data []byte
		if s, ok := v.(string); ok {
			data = []byte(s)
		} else {
			var err error
			if data, err = json.Marshal(v); err != nil {
				return fmt.Errorf("encoding %s/%s: %w", k.bucket, k.id, err)
			}
		}
		if err := b.Put([]byte(k.id), data); err != nil {
			return fmt.Errorf("writing %s/%s: %w", k.bucket, k.id, err)
		}
	}
	return nil
}
