package embedded

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// The embedded store's change stream, which feeds a read model
// (pkg/directory/readmodel) as syncrepl feeds one on OpenLDAP: a load of
// the whole state, then every committed write — the records its txn
// touched, as the state holds them after the commit — numbered in commit
// order. The store is the only writer of its file, so the number is the
// whole position: a write acknowledged has its number, and the model
// holds it as soon as the stream has passed it to the sink (in-process,
// microseconds), which is read-your-writes. An Import is one txn like any
// write; a write rolled back is never streamed.

// changeLog numbers the commits and hands each to the running streams.
type changeLog struct {
	mu   sync.Mutex
	seq  uint64
	subs map[*feedSub]struct{}
}

// feedSub is one running stream's queue of commits not yet applied.
type feedSub struct {
	mu    sync.Mutex
	queue []commit
	wake  chan struct{}
}

// commit is what one write changed.
type commit struct {
	seq     uint64
	puts    []readmodel.Entry
	removes []string
}

// committed streams the txn just made durable. It runs under the store's
// write lock, so commits are numbered and queued in the order readers see
// them, and the records read are the committed ones.
func (d *Directory) committed(x *txn) {
	c := &d.changes
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	if len(c.subs) == 0 {
		return
	}
	out := commit{seq: c.seq}
	now := d.now()
	for _, k := range x.order {
		var e readmodel.Entry
		ok := false
		switch k.bucket {
		case string(bucketMeta):
			if x.s.base != nil {
				e, ok = modelBase(x.s.base), true
			}
		case string(bucketOUs):
			if o := x.s.ous[k.id]; o != nil {
				e, ok = modelOU(o), true
			}
		case string(bucketUsers):
			if u := x.s.users[k.id]; u != nil {
				e, ok = d.modelUser(u, now), true
			}
		case string(bucketGroups):
			if g := x.s.groups[k.id]; g != nil {
				e, ok = modelGroup(g), true
			}
		default:
			continue // counters: not entries
		}
		if ok {
			out.puts = append(out.puts, e)
		} else {
			out.removes = append(out.removes, k.id)
		}
	}
	for s := range c.subs {
		s.mu.Lock()
		s.queue = append(s.queue, out)
		s.mu.Unlock()
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

func modelBase(b *baseRec) readmodel.Entry {
	return readmodel.Entry{Kind: readmodel.KindOther, ID: b.ID, DN: b.DN}
}

func modelOU(o *ouRec) readmodel.Entry {
	m := o.model()
	return readmodel.Entry{Kind: readmodel.KindOU, ID: o.ID, DN: o.DN, OU: &m}
}

func (d *Directory) modelUser(u *userRec, now time.Time) readmodel.Entry {
	m := u.model(now, d.lockout.duration)
	return readmodel.Entry{Kind: readmodel.KindUser, ID: u.ID, DN: u.DN, User: &m}
}

func modelGroup(g *groupRec) readmodel.Entry {
	m := g.model()
	return readmodel.Entry{Kind: readmodel.KindGroup, ID: g.ID, DN: g.DN, Group: &m}
}

// ReadModelFeed returns the store's change stream.
func (d *Directory) ReadModelFeed() readmodel.Feed { return storeFeed{d} }

type storeFeed struct{ d *Directory }

func position(seq uint64) readmodel.Position {
	// Zero-padded: positions compare as strings.
	return readmodel.Position{"embedded": fmt.Sprintf("%020d", seq)}
}

// Shape: the model answers what it answers exactly as this store does —
// lookups by id, DN and number. The model matches and orders as an LDAP
// server does (RFC 4518 string preparation, ties by DN); this store folds
// names by lower-casing alone and orders listings, members and the tree
// by name, then id. So names, searches, memberships and the tree are left
// to the store: no field is declared, groups do not hold DNs, no tree.
func (f storeFeed) Shape() readmodel.Shape {
	return readmodel.Shape{Matching: map[directory.Field]readmodel.Matching{}}
}

func (f storeFeed) Position(ctx context.Context) (readmodel.Position, error) {
	if err := ctx.Err(); err != nil {
		return nil, unavailable(err)
	}
	c := &f.d.changes
	c.mu.Lock()
	defer c.mu.Unlock()
	return position(c.seq), nil
}

// Run loads the whole state, then streams commits until ctx ends. The
// cookie is not used: a load from memory is as cheap as a resume.
func (f storeFeed) Run(ctx context.Context, _ string, sink readmodel.Sink) error {
	d := f.d
	sub := &feedSub{wake: make(chan struct{}, 1)}
	var snapshot []readmodel.Entry
	d.mu.RLock()
	if d.closed {
		d.mu.RUnlock()
		return d.closedErr()
	}
	// Subscribed under the read lock: no commit falls between the
	// snapshot and the stream.
	c := &d.changes
	c.mu.Lock()
	if c.subs == nil {
		c.subs = map[*feedSub]struct{}{}
	}
	c.subs[sub] = struct{}{}
	seq := c.seq
	c.mu.Unlock()
	now := d.now()
	s := d.st
	if s.base != nil {
		snapshot = append(snapshot, modelBase(s.base))
	}
	for _, o := range s.ous {
		snapshot = append(snapshot, modelOU(o))
	}
	for _, u := range s.users {
		snapshot = append(snapshot, d.modelUser(u, now))
	}
	for _, g := range s.groups {
		snapshot = append(snapshot, modelGroup(g))
	}
	d.mu.RUnlock()
	defer func() {
		c.mu.Lock()
		delete(c.subs, sub)
		c.mu.Unlock()
	}()
	for _, e := range snapshot {
		sink.Put(e)
	}
	snapshot = nil
	sink.Synced("", position(seq), true)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.wake:
		}
		sub.mu.Lock()
		queue := sub.queue
		sub.queue = nil
		sub.mu.Unlock()
		for _, cm := range queue {
			for _, id := range cm.removes {
				sink.Remove(id)
			}
			for _, e := range cm.puts {
				sink.Put(e)
			}
			sink.Synced("", position(cm.seq), true)
		}
	}
}
