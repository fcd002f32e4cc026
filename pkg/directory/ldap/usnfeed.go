package ldap

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// The read model's feed on Active Directory: uSNChanged polling. Every
// change a DC commits gets the next update sequence number; the rootDSE's
// highestCommittedUSN is the newest, and each entry's uSNChanged that of
// its last change. So the feed loads the base once by a paged search,
// remembering the highestCommittedUSN read before it, and then polls: it
// reads highestCommittedUSN again and, if it moved, searches the domain
// for (uSNChanged>=last+1). It needs no right beyond reading the base and
// the rootDSE. DirSync is not used (it needs the "Replicating Directory
// Changes" right, which a service account seldom holds).
//
// Deletions: AD moves a deleted object to the Deleted Objects container
// with isDeleted=TRUE and a new uSNChanged, keeping its objectGUID. The
// poll searches the whole domain naming context with the Show Deleted
// control, so deleted objects and objects moved out of the base come back
// too and are removed from the model. An account that may not see
// deleted objects gets no error from AD, only fewer entries, so the feed
// checks at start that the Deleted Objects container is visible; if it is
// not, every poll that saw a change also lists the ids under the base
// (objectGUID only) and removes those no longer there.
//
// A moved or renamed container changes the DN of everything below it
// without changing their uSNChanged, so the feed reloads the subtree of a
// container whose DN changed or that came in from outside the base, and
// lists the ids under the base when one left it.
//
// Positions are USNs of one DC: the cookie names the DC (dsServiceName),
// and a resume on another DC (or one restored from backup) reloads.

// usnPollEvery bounds the time between two polls when nothing asks for
// one; Position (a write waiting for its effect, the model's freshness
// probe) asks for one at once.
const usnPollEvery = 500 * time.Millisecond

// usnKey is the Position key of the DC's USN; values are zero-padded so
// that they order as strings.
const usnKey = "usn"

func usnPosition(usn uint64) readmodel.Position {
	return readmodel.Position{usnKey: fmt.Sprintf("%020d", usn)}
}

type usnFeed struct {
	syncFeed
	// nudge asks the running poll loop for a poll now.
	nudge chan struct{}
	// containers: the DN of each container (OU or other non-user,
	// non-group entry) last seen, by id, to notice a subtree move. Used
	// only by Run's goroutine.
	containers map[string]string
}

// Shape is the LDAP backend's, but AD lists indirect members in the
// order its in-chain matching rule produces them, and keeps a moved
// member's value where it was.
func (f *usnFeed) Shape() readmodel.Shape {
	s := f.syncFeed.Shape()
	s.ServerOrderedIndirect = true
	s.LinkedMembers = true
	return s
}

func newUSNFeed(d *Directory) *usnFeed {
	return &usnFeed{syncFeed: syncFeed{d: d}, nudge: make(chan struct{}, 1), containers: map[string]string{}}
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

// Position reads highestCommittedUSN and asks the poll loop for a poll.
func (f *usnFeed) Position(ctx context.Context) (readmodel.Position, error) {
	ctx, cancel := f.d.deadline(ctx)
	defer cancel()
	var usn uint64
	err := f.d.search(ctx, func(c searcher) error {
		var err error
		usn, _, _, err = rootUSN(c)
		return err
	})
	if err != nil {
		return nil, err
	}
	select {
	case f.nudge <- struct{}{}:
	default:
	}
	return usnPosition(usn), nil
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

// Run loads the base (or resumes after cookie) and polls until ctx ends
// or the connection breaks.
func (f *usnFeed) Run(ctx context.Context, cookie string, sink readmodel.Sink) error {
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
	tombstones := f.deletedVisible(c.Conn, nc)
	if !tombstones {
		d.log.Warn("read model: the service account cannot see deleted objects; each poll that finds a change also lists the ids under the base to find deletions")
	}
	prevDC, last, resumed := parseUSNCookie(cookie)
	if !resumed || prevDC != dc {
		if cookie != "" {
			sink.Reset()
		}
		clear(f.containers)
		if err := f.load(ctx, c, sink); err != nil {
			return f.runErr(ctx, err)
		}
		last = usn
		sink.Synced(usnCookie(dc, last), usnPosition(last), true)
	}
	t := time.NewTicker(usnPollEvery)
	defer t.Stop()
	for {
		now, _, _, err := rootUSN(c.Conn)
		if err != nil {
			return f.runErr(ctx, err)
		}
		if now > last {
			if err := f.poll(ctx, c, root, last, sink, tombstones); err != nil {
				return f.runErr(ctx, err)
			}
			last = now
		}
		// Every change up to now is in the sink: a proof of freshness even
		// when nothing changed.
		sink.Synced(usnCookie(dc, last), usnPosition(last), true)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-f.nudge:
		}
	}
}

func (f *usnFeed) runErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("ldap: change stream (uSNChanged): %w", err)
}

// deletedVisible reports whether the account sees deleted objects: one
// at least in the domain's Deleted Objects container (found by its
// well-known GUID) with the Show Deleted control. Seeing the container
// is not enough: Samba shows it to every user, and the objects in it only
// to administrators. An empty container (a new domain) reads as not
// visible, which costs only the slower way of finding deletions.
func (f *usnFeed) deletedVisible(s searcher, nc string) bool {
	if nc == "" {
		return false
	}
	res, err := s.Search(ldap.NewSearchRequest("<WKGUID=18e2ea80684f11d2b9aa00c04f79f805,"+nc+">",
		ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 1, 0, false, "(isDeleted=TRUE)", []string{"objectGUID"},
		[]ldap.Control{ldap.NewControlMicrosoftShowDeleted()}))
	if err != nil && !isCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return false
	}
	return res != nil && len(res.Entries) > 0
}

// load puts every entry under the base.
func (f *usnFeed) load(ctx context.Context, c *conn, sink readmodel.Sink) error {
	es, err := f.subtree(c, f.d.wireDN(f.d.base))
	if err != nil {
		return err
	}
	return f.putAll(ctx, c, es, sink, false)
}

func (f *usnFeed) subtree(c *conn, base string) ([]*ldap.Entry, error) {
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
// without a new uSNChanged.
func (f *usnFeed) putAll(ctx context.Context, c *conn, es []*ldap.Entry, sink readmodel.Sink, polled bool) error {
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
func (f *usnFeed) wholeMembers(ctx context.Context, e *ldap.Entry) error {
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
func (f *usnFeed) poll(ctx context.Context, c *conn, root string, last uint64, sink readmodel.Sink, tombstones bool) error {
	attrs := append(f.attrs(), "isDeleted")
	res, err := c.Conn.SearchWithPaging(ldap.NewSearchRequest(root, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		0, 0, false, fmt.Sprintf("(uSNChanged>=%d)", last+1), attrs,
		[]ldap.Control{ldap.NewControlMicrosoftShowDeleted()}), 500)
	if err != nil {
		return err
	}
	var put []*ldap.Entry
	// A container gone from the base may have taken entries with it
	// (moved out with its subtree): those are found by listing the ids.
	containerGone := false
	for _, e := range res.Entries {
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
func (f *usnFeed) reconcile(c *conn, sink readmodel.Sink) error {
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
