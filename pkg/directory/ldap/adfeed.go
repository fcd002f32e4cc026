package ldap

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// The read model's feed on Active Directory. AD has no persistent change
// stream an ordinary client can hold open, so the feed polls, and it has
// two ways of learning what changed since the last poll:
//
//   - DirSync (dirsyncfeed.go), when the service account holds the
//     "Replicating Directory Changes" right: the DC keeps the feed's
//     place in an opaque cookie, valid on every DC of the domain, and
//     reports deletions whatever the account may otherwise read;
//   - uSNChanged polling (usnfeed.go) otherwise: a search for the entries
//     whose uSNChanged is past the last one seen, which needs no right
//     beyond reading.
//
// Which one is used is decided when the feed connects (Run): a DirSync
// search refused for want of the right (insufficientAccessRights, or
// unwillingToPerform on servers that say so) means polling, for the life
// of the feed.
//
// Everything else is the same for both, and lives here. Every change a DC
// commits gets the next update sequence number; the rootDSE's
// highestCommittedUSN is the newest. The feed loads the base once by a
// paged search, remembering the highestCommittedUSN read before it, and
// then polls: it reads highestCommittedUSN again (or takes the one
// Position just read) and, only if it moved, asks what changed. That USN is also the feed's Position: a change
// acknowledged before it was read is committed at or below it, and a
// poll that started after reading it sees that change. Both ways list
// changed entries of the whole domain naming context (DirSync works only
// there), so an entry moved out of the base comes back with its new DN
// and a deleted one with isDeleted=TRUE: both are removed from the model.
// Entries are put as a search of the base reads them, so that the model
// holds what the backend's own reads return (a DirSync entry carries
// only the attributes that changed).
//
// A moved or renamed container changes the DN of everything below it
// without a change to those entries, so the feed reloads the subtree of a
// container whose DN changed or that came in from outside the base, and
// lists the ids under the base when one left it.

// adPollEvery bounds the time between two polls when nothing asks for
// one; Position (a write waiting for its effect, the model's freshness
// probe) asks for one at once.
const adPollEvery = 500 * time.Millisecond

// usnKey is the Position key of the DC's USN; values are zero-padded so
// that they order as strings.
const usnKey = "usn"

func usnPosition(usn uint64) readmodel.Position {
	return readmodel.Position{usnKey: fmt.Sprintf("%020d", usn)}
}

// adChanges is one way of learning what changed on the DC.
type adChanges interface {
	// name says which, in logs and FeedName.
	name() string
	// mark is called before a full load: changes after it are the next
	// poll's.
	mark(c *conn) error
	// resume takes up the place a cookie of this way names; false: the
	// cookie is not one of its own (a full load follows).
	resume(cookie string) bool
	// changed lists the entries of the domain changed since the last
	// poll (those changed after USN last at least): each with its id,
	// DN and isDeleted; tombstones says whether deleted entries are among
	// them.
	changed(c *conn, root string, last uint64) (es []*ldap.Entry, tombstones bool, err error)
	// whole reads es (changed entries under the base) with every
	// attribute the model maps; those gone meanwhile are left out.
	whole(c *conn, es []*ldap.Entry) ([]*ldap.Entry, error)
	// cookie names the place reached, with the DC's USN last.
	cookie(dc string, last uint64) string
}

type adFeed struct {
	syncFeed
	// nudge asks the running poll loop for a poll now, handing it the
	// USN Position read, so that the loop need not read it again.
	nudge chan usnSeen
	// containers: the DN of each container (OU or other non-user,
	// non-group entry) last seen, by id, to notice a subtree move. Used
	// only by Run's goroutine.
	containers map[string]string
	// polling: DirSync was refused once; the feed polls uSNChanged from
	// then on.
	polling bool

	mu      sync.Mutex
	current adChanges // the way in use, for FeedName
}

func newADFeed(d *Directory) *adFeed {
	return &adFeed{syncFeed: syncFeed{d: d}, nudge: make(chan usnSeen, 1), containers: map[string]string{}}
}

// Shape is the LDAP backend's, but AD lists indirect members in the
// order its in-chain matching rule produces them, and keeps a moved
// member's value where it was.
func (f *adFeed) Shape() readmodel.Shape {
	s := f.syncFeed.Shape()
	s.ServerOrderedIndirect = true
	s.LinkedMembers = true
	return s
}

// FeedName says which way the feed learns changes ("DirSync" or
// "uSNChanged polling"), empty before it first connected.
func (f *adFeed) FeedName() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.current == nil {
		return ""
	}
	return f.current.name()
}

// rootUSN reads the rootDSE's highestCommittedUSN, defaultNamingContext
// and dsServiceName.
func rootUSN(s searcher) (usn uint64, nc, dc string, err error) {
	res, err := s.Search(rootDSE("highestCommittedUSN", "defaultNamingContext", "dsServiceName"))
	if err != nil {
		return 0, "", "", err
	}
	if len(res.Entries) == 0 {
		return 0, "", "", fmt.Errorf("ldap: the rootDSE is not readable")
	}
	e := res.Entries[0]
	usn, err = strconv.ParseUint(e.GetAttributeValue("highestCommittedUSN"), 10, 64)
	if err != nil {
		return 0, "", "", fmt.Errorf("%w: the rootDSE has no highestCommittedUSN (%v)", readmodel.ErrNoChangeStream, err)
	}
	return usn, e.GetAttributeValue("defaultNamingContext"), e.GetAttributeValue("dsServiceName"), nil
}

// usnSeen is a highestCommittedUSN read on the DC named dc.
type usnSeen struct {
	dc  string
	usn uint64
}

// Position reads highestCommittedUSN and asks the poll loop for a poll.
func (f *adFeed) Position(ctx context.Context) (readmodel.Position, error) {
	ctx, cancel := f.d.deadline(ctx)
	defer cancel()
	var seen usnSeen
	err := f.d.search(ctx, func(c searcher) error {
		var err error
		seen.usn, _, seen.dc, err = rootUSN(c)
		return err
	})
	if err != nil {
		return nil, err
	}
	f.tell(seen)
	return usnPosition(seen.usn), nil
}

// tell hands seen to the poll loop, replacing a nudge it has not taken
// yet (keeping the higher USN of the same DC).
func (f *adFeed) tell(seen usnSeen) {
	for {
		select {
		case f.nudge <- seen:
			return
		default:
		}
		select {
		case old := <-f.nudge:
			if old.dc == seen.dc && old.usn > seen.usn {
				seen = old
			}
		default:
		}
	}
}

// Run loads the base (or resumes after cookie) and polls until ctx ends
// or the connection breaks.
func (f *adFeed) Run(ctx context.Context, cookie string, sink readmodel.Sink) error {
	d := f.d
	c, err := d.dialer.dial(ctx, d.svc.bindDN, d.svc.bindPW)
	if err != nil {
		return err
	}
	defer c.close()
	c.Conn.SetTimeout(d.cfg.RequestTimeout)
	// go-ldap's calls take no context: closing the connection ends one in
	// flight when ctx does.
	stop := context.AfterFunc(ctx, c.close)
	defer stop()
	if err := d.loadPolicy(ctx); err != nil {
		return err
	}
	usn, nc, dc, err := rootUSN(c.Conn)
	if err != nil {
		return f.runErr(ctx, err)
	}
	root := d.wireDN(d.base)
	if nc != "" && directory.IsUnder(d.base, nc) {
		root = nc
	}
	src, err := f.choose(c, nc, dc)
	if err != nil {
		return f.runErr(ctx, err)
	}
	last, resumed := uint64(0), false
	if cookie != "" && src.resume(cookie) {
		last, resumed = cookieUSN(cookie, dc)
	}
	if resumed {
		// A cookie the DC no longer takes (a DirSync cookie of a DC
		// restored from backup, or of another domain) fails the request,
		// not the connection: load afresh rather than retry it forever.
		if err := f.poll(ctx, c, src, root, last, sink); err != nil {
			if ctx.Err() != nil || !refusedCookie(err) {
				return f.runErr(ctx, err)
			}
			d.log.Warn("read model: the DC refused the feed's cookie; loading afresh", "feed", src.name(), "reason", err)
			resumed = false
		}
	}
	if !resumed {
		if cookie != "" {
			sink.Reset()
		}
		clear(f.containers)
		if err := src.mark(c); err != nil {
			return f.runErr(ctx, err)
		}
		if err := f.load(ctx, c, sink); err != nil {
			return f.runErr(ctx, err)
		}
		last = usn
		sink.Synced(src.cookie(dc, last), usnPosition(last), true)
	}
	t := time.NewTicker(adPollEvery)
	defer t.Stop()
	// told: a USN Position read on this DC since the last poll. Every
	// change acknowledged before that read is at or below it, and the
	// poll that follows starts after it: it stands for the loop's own
	// read, which halves the requests of a feed whose freshness probe
	// nudges it several times a second.
	var told *usnSeen
	for {
		var now uint64
		if told != nil {
			now = told.usn
		} else if now, _, _, err = rootUSN(c.Conn); err != nil {
			return f.runErr(ctx, err)
		}
		told = nil
		if now > last {
			if err := f.poll(ctx, c, src, root, last, sink); err != nil {
				return f.runErr(ctx, err)
			}
			last = now
		}
		// Every change up to now is in the sink: a proof of freshness even
		// when nothing changed.
		sink.Synced(src.cookie(dc, last), usnPosition(last), true)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case seen := <-f.nudge:
			if seen.dc == dc {
				told = &seen
				// The probe's nudges drive the polls while it runs; the
				// ticker is for when it does not.
				t.Reset(adPollEvery)
			}
		}
	}
}

// choose picks the way of learning changes: DirSync unless the server
// refused it once.
func (f *adFeed) choose(c *conn, nc, dc string) (adChanges, error) {
	var src adChanges
	if !f.polling {
		ds := &dirSyncChanges{f: f, nc: nc}
		switch err := ds.probe(c); {
		case err == nil:
			src = ds
		case isCode(err, ldap.LDAPResultInsufficientAccessRights, ldap.LDAPResultUnwillingToPerform, ldap.LDAPResultUnavailableCriticalExtension):
			f.polling = true
			f.d.log.Info("read model: DirSync refused (the service account lacks the Replicating Directory Changes right); polling uSNChanged instead", "reason", err)
		default:
			return nil, err
		}
	}
	if src == nil {
		u := &usnChanges{f: f, dc: dc}
		u.tombstones = u.deletedVisible(c, nc)
		if !u.tombstones {
			f.d.log.Warn("read model: the service account cannot see deleted objects; each poll that finds a change also lists the ids under the base to find deletions")
		}
		src = u
	}
	f.mu.Lock()
	changed := f.current == nil || f.current.name() != src.name()
	f.current = src
	f.mu.Unlock()
	if changed {
		f.d.log.Info("read model: Active Directory change feed", "feed", src.name())
	}
	return src, nil
}

func (f *adFeed) runErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	name := "Active Directory"
	if s := f.FeedName(); s != "" {
		name = s
	}
	return fmt.Errorf("ldap: change stream (%s): %w", name, err)
}

// refusedCookie reports whether err is the DC's refusal of a request
// (rather than a broken connection or a timeout).
func refusedCookie(err error) bool {
	return isCode(err, ldap.LDAPResultProtocolError, ldap.LDAPResultOperationsError, ldap.LDAPResultUnwillingToPerform,
		ldap.LDAPResultUnavailableCriticalExtension, // Samba, for a cookie it cannot parse
		ldap.LDAPResultOther, ldap.LDAPResultInvalidAttributeSyntax, ldap.LDAPResultConstraintViolation)
}

// cookieUSN is the USN a cookie ends with, when it was taken on DC dc;
// otherwise 0, so that the first poll asks for every change since the
// cookie (a DirSync cookie is good on every DC; a USN is one DC's).
func cookieUSN(cookie, dc string) (uint64, bool) {
	if _, usnPart, ok := strings.Cut(cookie, "|"); ok {
		cookie = usnPart // a DirSync cookie's USN part
	}
	prevDC, usn, ok := parseUSNCookie(cookie)
	if !ok {
		return 0, false
	}
	if prevDC != dc {
		return 0, true
	}
	return usn, true
}

func usnCookie(dc string, usn uint64) string { return fmt.Sprintf("%s;%d", dc, usn) }

func parseUSNCookie(cookie string) (dc string, usn uint64, ok bool) {
	i := strings.LastIndexByte(cookie, ';')
	if i < 0 {
		return "", 0, false
	}
	usn, err := strconv.ParseUint(cookie[i+1:], 10, 64)
	return cookie[:i], usn, err == nil
}

// load puts every entry under the base.
func (f *adFeed) load(ctx context.Context, c *conn, sink readmodel.Sink) error {
	es, err := f.subtree(c, f.d.wireDN(f.d.base))
	if err != nil {
		return err
	}
	return f.putAll(ctx, c, es, sink, false)
}

func (f *adFeed) subtree(c *conn, base string) ([]*ldap.Entry, error) {
	res, err := c.Conn.SearchWithPaging(ldap.NewSearchRequest(base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=*)", f.attrs(), nil), 500)
	if err != nil {
		return nil, err
	}
	return res.Entries, nil
}

// putAll puts es. polled: es are changes found by a poll, so a container
// that is new here (moved in from outside the base) or whose DN changed
// (moved or renamed) has its subtree reloaded: the DNs below it changed
// without a change to those entries.
func (f *adFeed) putAll(ctx context.Context, c *conn, es []*ldap.Entry, sink readmodel.Sink, polled bool) error {
	userFields, groupFields := f.fieldAttrs(userFieldKeys), f.fieldAttrs(groupFieldKeys)
	for _, e := range es {
		id := f.d.id(e)
		if id == "" {
			continue
		}
		if err := f.wholeMembers(ctx, e); err != nil {
			return err
		}
		out := f.entry(id, e, userFields, groupFields)
		sink.Put(out)
		if out.Kind != readmodel.KindOU && out.Kind != readmodel.KindOther {
			continue
		}
		dn := strings.ToLower(e.DN)
		old, known := f.containers[id]
		f.containers[id] = dn
		if !polled || known && old == dn {
			continue
		}
		subtree, err := f.subtree(c, e.DN)
		if err != nil {
			return err
		}
		var below []*ldap.Entry
		for _, b := range subtree {
			if f.d.id(b) != id {
				below = append(below, b)
			}
		}
		if err := f.putAll(ctx, c, below, sink, true); err != nil {
			return err
		}
	}
	return nil
}

// wholeMembers fetches the member values a large group's entry holds in
// ranges (more than MaxValRange) and puts them all in the entry.
func (f *adFeed) wholeMembers(ctx context.Context, e *ldap.Entry) error {
	attr := f.d.attrs.get(f.d.model.memberAttr())
	if _, _, more := rangeValues(e, attr); !more {
		return nil
	}
	vs, err := rangedMemberValues(ctx, f.d, e, attr)
	if err != nil {
		return err
	}
	kept := e.Attributes[:0]
	for _, a := range e.Attributes {
		name, _, _ := strings.Cut(a.Name, ";")
		if !strings.EqualFold(name, attr) {
			kept = append(kept, a)
		}
	}
	e.Attributes = append(kept, ldap.NewEntryAttribute(attr, vs))
	return nil
}

// poll applies the changes made after USN last: entries under the base
// are put; deleted ones and ones moved out of the base are removed.
func (f *adFeed) poll(ctx context.Context, c *conn, src adChanges, root string, last uint64, sink readmodel.Sink) error {
	es, tombstones, err := src.changed(c, root, last)
	if err != nil {
		return err
	}
	var put []*ldap.Entry
	// A container gone from the base may have taken entries with it
	// (moved out with its subtree): those are found by listing the ids.
	containerGone := false
	for _, e := range es {
		id := f.d.id(e)
		if id == "" {
			continue
		}
		if strings.EqualFold(e.GetAttributeValue("isDeleted"), "TRUE") || !directory.IsUnder(e.DN, f.d.base) {
			sink.Remove(id)
			if _, ok := f.containers[id]; ok {
				containerGone = true
				delete(f.containers, id)
			}
			continue
		}
		put = append(put, e)
	}
	put, err = src.whole(c, put)
	if err != nil {
		return err
	}
	if err := f.putAll(ctx, c, put, sink, true); err != nil {
		return err
	}
	if !tombstones || containerGone {
		return f.reconcile(c, sink)
	}
	return nil
}

// reconcile removes the entries no longer under the base, for an
// account that cannot see deleted objects.
func (f *adFeed) reconcile(c *conn, sink readmodel.Sink) error {
	res, err := c.Conn.SearchWithPaging(ldap.NewSearchRequest(f.d.wireDN(f.d.base), ldap.ScopeWholeSubtree,
		ldap.NeverDerefAliases, 0, 0, false, "(objectClass=*)", []string{f.d.attrs.get(attrID)}, nil), 1000)
	if err != nil {
		return err
	}
	present := make(map[string]bool, len(res.Entries))
	for _, e := range res.Entries {
		if id := f.d.id(e); id != "" {
			present[id] = true
		}
	}
	sink.RemoveAbsent(present)
	return nil
}
