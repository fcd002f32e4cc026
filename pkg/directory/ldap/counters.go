package ldap

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// uid/gid numbers come from counter entries (cn=uidNumber,<countersDN> and
// cn=gidNumber,...) advanced by compare-and-swap: one modify deletes the
// value read and adds the next. When another dirgate advanced the counter
// meanwhile, the delete finds no such value, the whole modify fails, and
// this one reads again. So no number is handed out twice, across any
// number of processes, without locks.

// maxCASAttempts bounds the retries under contention; each lost race means
// another allocation succeeded, so this is only reached under a storm.
const maxCASAttempts = 200

// firstWindow and usedWindow bound how many numbers one search checks for
// existing entries: the first search checks firstWindow*2, each next one
// twice as many, up to usedWindow.
const (
	firstWindow = 4
	usedWindow  = 256
)

// AllocateID returns the next number of the kind's counter inside r that
// no entry under the base uses. Numbers come from a block this process
// claimed from the counter (idBlocks): most allocations of a busy process
// cost one search, which checks that no entry took the number since the
// claim (one made with an explicit number), instead of a read of the
// counter, a search and its compare-and-swap.
func (d *Directory) AllocateID(ctx context.Context, kind directory.IDKind, r directory.Range) (int64, error) {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if kind != directory.UIDSequence && kind != directory.GIDSequence {
		return 0, invalid("unknown id kind %q", kind)
	}
	if r.Min <= 0 || r.Max < r.Min {
		return 0, invalid("bad range %d-%d", r.Min, r.Max)
	}
	if !d.prof.counters {
		return 0, fmt.Errorf("%w: the %s profile keeps no id counters", directory.ErrNotSupported, d.prof.name)
	}
	done, err := d.turns.take(ctx, kind)
	if err != nil {
		return 0, err
	}
	defer done()
	for {
		n, ok := d.blocks.next(kind, r)
		if !ok {
			if err := d.claimBlock(ctx, kind, r); err != nil {
				return 0, err
			}
			continue
		}
		used, err := d.usedNumbers(ctx, kind, n, n)
		if err != nil {
			return 0, err
		}
		if !used[n] {
			return n, nil
		}
	}
}

// claimBlock advances the kind's counter past a block of numbers by one
// compare-and-swap, and keeps the block for this process to hand out.
func (d *Directory) claimBlock(ctx context.Context, kind directory.IDKind, r directory.Range) error {
	dn, attr, err := d.counterAt(ctx, kind)
	if err != nil {
		return err
	}
	size := d.blocks.size(kind)
	for attempt := range maxCASAttempts {
		cur, ok, err := d.readCounter(ctx, dn, attr)
		if err != nil {
			return err
		}
		if !ok {
			if err := d.createCounter(ctx, dn, attr, r.Min); err != nil {
				return err
			}
			continue
		}
		lo := max(cur, d.issued.floor(kind, r))
		if lo > r.Max {
			return fmt.Errorf("%w: %s %d-%d (counter at %d)", directory.ErrRangeExhausted, kind, r.Min, r.Max, cur)
		}
		// The first number no entry uses: the block starts there, so a
		// run of taken numbers (entries made before dirgate, or with
		// explicit numbers) costs no block.
		if lo, err = d.firstFree(ctx, kind, lo, r.Max); err != nil {
			return err
		}
		hi := min(lo+size-1, r.Max)
		err = d.modify(ctx, dn, []ldap.Change{
			{Operation: ldap.DeleteAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{strconv.FormatInt(cur, 10)}}},
			{Operation: ldap.AddAttribute, Modification: ldap.PartialAttribute{Type: attr, Vals: []string{strconv.FormatInt(hi+1, 10)}}},
		})
		switch {
		case err == nil:
			d.issued.record(kind, hi)
			d.blocks.fill(kind, lo, hi)
			return nil
		case isCode(err, ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultAttributeOrValueExists),
			errors.Is(err, directory.ErrUnavailable) && ctx.Err() == nil:
			// Lost the race, or lost the connection (the server went away,
			// a failover is under way) not knowing whether the swap was
			// applied. Either way reading the counter again is safe: an
			// applied swap only leaves its block unused. Back off a little,
			// at random, so that racers spread out instead of colliding
			// again.
			if err := sleep(ctx, time.Duration(rand.Int64N(int64(time.Millisecond)<<min(attempt, 5)))); err != nil {
				return err
			}
		default:
			return wrap(err, "advancing "+dn)
		}
	}
	return fmt.Errorf("%w: %s counter: %d attempts lost to concurrent allocations", directory.ErrConflict, kind, maxCASAttempts)
}

// counterAt returns the entry and attribute of the kind's counter: a
// dirgateCounter entry under countersDN, or where the profile keeps it.
func (d *Directory) counterAt(ctx context.Context, kind directory.IDKind) (dn, attr string, err error) {
	if d.prof.counterAt != nil {
		return d.prof.counterAt(ctx, d, kind)
	}
	return d.childDN("cn", string(kind), d.countersDN), d.attrs.get(attrCounter), nil
}

// readCounter returns the counter's value; ok is false when the entry (or
// the attribute, where the counter is one of an existing entry) does not
// exist.
func (d *Directory) readCounter(ctx context.Context, dn, attr string) (int64, bool, error) {
	e, err := d.readEntry(ctx, dn, "(objectClass=*)", []string{attr})
	if isNotFound(err) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	if len(e.GetEqualFoldAttributeValues(attr)) == 0 {
		return 0, false, nil
	}
	v, err := strconv.ParseInt(e.GetEqualFoldAttributeValue(attr), 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("%w: counter %s holds %q", directory.ErrInvalidInput, dn, e.GetEqualFoldAttributeValue(attr))
	}
	return v, true, nil
}

// createCounter adds a counter entry starting at first; another process
// creating it at the same time is fine.
func (d *Directory) createCounter(ctx context.Context, dn, attr string, first int64) error {
	if d.prof.counterAt != nil {
		return d.createSFUCounter(ctx, dn, attr, first)
	}
	cn, _ := directory.FirstRDNValue(dn)
	req := ldap.NewAddRequest(dn, nil)
	req.Attribute("objectClass", []string{"top", d.prof.classes.counter})
	req.Attribute("cn", []string{cn})
	req.Attribute(attr, []string{strconv.FormatInt(first, 10)})
	err := d.add(ctx, req)
	if err == nil || isCode(err, ldap.LDAPResultEntryAlreadyExists) {
		return nil
	}
	return wrap(err, "creating the counter "+dn)
}

// firstFree returns the first number from n up to max that no entry under
// the base uses: uidNumber of any entry, gidNumber of groups. It asks for
// a window of numbers per search with equality assertions, which the
// equality index answers key by key. (A range filter, uidNumber<=hi, made
// slapd's mdb walk every smaller key of the index: about 150 ms of server
// CPU per allocation with 10,000 users, the whole cost of a create.) The
// window starts small, since the number after the counter is nearly always
// free, and doubles across runs of taken numbers (entries made before
// dirgate, or with explicit numbers), so those cost few round trips.
func (d *Directory) firstFree(ctx context.Context, kind directory.IDKind, n, maxN int64) (int64, error) {
	window := int64(firstWindow)
	for lo := n; lo <= maxN; lo += window {
		window = min(window*2, usedWindow)
		hi := min(lo+window-1, maxN)
		used, err := d.usedNumbers(ctx, kind, lo, hi)
		if err != nil {
			return 0, err
		}
		for c := lo; c <= hi; c++ {
			if !used[c] {
				return c, nil
			}
		}
	}
	return 0, fmt.Errorf("%w: %s: every number from %d to %d is used", directory.ErrRangeExhausted, kind, n, maxN)
}

// usedNumbers returns which numbers from lo to hi (at most usedWindow
// of them a search) an entry uses.
func (d *Directory) usedNumbers(ctx context.Context, kind directory.IDKind, lo, hi int64) (map[int64]bool, error) {
	attr := d.attrs.get(attrUIDNumber)
	scope := "(objectClass=*)"
	if kind == directory.GIDSequence {
		attr = d.attrs.get(attrGIDNumber)
		scope = d.groupSel
	}
	used := map[int64]bool{}
	for from := lo; from <= hi; from += usedWindow {
		to := min(from+usedWindow-1, hi)
		var f strings.Builder
		f.WriteString("(&" + scope + "(|")
		for c := from; c <= to; c++ {
			fmt.Fprintf(&f, "(%s=%d)", attr, c)
		}
		f.WriteString("))")
		req := ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false, f.String(), []string{attr}, nil)
		err := d.searchEach(ctx, req, func(e *ldap.Entry) error {
			if v, err := strconv.ParseInt(e.GetEqualFoldAttributeValue(attr), 10, 64); err == nil {
				used[v] = true
			}
			return nil
		})
		if err != nil {
			return nil, wrap(err, "looking for used numbers")
		}
	}
	return used, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return wrap(context.Cause(ctx), "waiting to retry")
	}
}

// issuedNumbers remembers the highest uid and gid number this process
// claimed (the end of its last block). The counter entries are replicated like any entry, so after
// a failover to another provider the counter read there may lag behind
// numbers already given to users on the provider that went away (whose
// entries have not arrived either): without this floor the next
// allocations would hand those numbers out a second time. It cannot see
// numbers other processes took through other servers: replicas allocate
// safely only when they all write through the same provider.
type issuedNumbers struct {
	mu      sync.Mutex
	highest map[directory.IDKind]int64
}

// floor is the lowest number of r that may be handed out next: one above
// the highest this process issued in r, else r.Min.
func (h *issuedNumbers) floor(kind directory.IDKind, r directory.Range) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n, ok := h.highest[kind]; ok && r.Contains(n) {
		return n + 1
	}
	return r.Min
}

// record notes that n was handed out.
func (h *issuedNumbers) record(kind directory.IDKind, n int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.highest == nil {
		h.highest = map[directory.IDKind]int64{}
	}
	h.highest[kind] = max(h.highest[kind], n)
}

// allocTurns makes the allocations of one process take turns, per kind of
// number. The counter's compare-and-swap keeps numbers unique whatever
// races it, but a process racing itself only multiplies the attempts:
// with 16 creates at once, 15 lose each round, back off and try again,
// and every attempt costs a read, a search and a failed write (test/load:
// 11-16 ms of slapd CPU per create against 5-6 ms for a raw add). Taking
// turns, each allocation succeeds at its first attempt unless another
// process (a replica) got in between.
type allocTurns struct {
	once sync.Once
	turn map[directory.IDKind]chan struct{}
}

// take waits for the kind's turn, until ctx ends; the returned function
// ends the turn.
func (t *allocTurns) take(ctx context.Context, kind directory.IDKind) (func(), error) {
	t.once.Do(func() {
		t.turn = map[directory.IDKind]chan struct{}{
			directory.UIDSequence: make(chan struct{}, 1),
			directory.GIDSequence: make(chan struct{}, 1),
		}
	})
	ch, ok := t.turn[kind]
	if !ok {
		return nil, invalid("unknown id kind %q", kind)
	}
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, wrap(context.Cause(ctx), "waiting for the "+string(kind)+" counter")
	}
}
