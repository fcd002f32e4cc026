package ldap

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Server-side sorted views kept open for the next page.
//
// A listing pages through a result sorted on the server with the virtual
// list view: each page names an offset into it. OpenLDAP's sssvlv sorts
// the whole result for a new view (about 0.3 s of slapd CPU for 100,000
// users) but serves a later page of a view it holds from the sorted list
// it kept (about 10 ms), if asked on the view's connection with the view's
// context id; and it keeps the view until that connection closes. So a
// view stays open for a while on a connection of its own, and a later page
// of the same search continues it. A first page (offset 0) always sorts
// afresh, so whoever reloads a listing sees the directory as it is now;
// the pages after it come from that sort, which also keeps entries from
// shifting between pages while others change the directory. Another
// replica, or a view closed meanwhile, just sorts afresh.
const (
	// maxViews bounds the views kept open (each holds a sorted list on
	// the server, which allows only so many).
	maxViews = 4
	// viewIdle and viewAge bound how long a view is kept: a client paging
	// through a listing asks for the next page at once.
	viewIdle = 15 * time.Second
	viewAge  = 2 * time.Minute
	// aheadFresh is how old a page read ahead may be when it is asked
	// for: older, it is read again.
	aheadFresh = 500 * time.Millisecond
)

// Reading ahead. A client walking a listing asks for page after page,
// each as soon as it has the one before, and meanwhile the server is
// idle: every page cost the server's time, then dirgate's, then the
// client's, one after the other. So once a client has asked for a page
// after the first (it is walking), the next page of the same size is
// asked for on the view's connection as soon as this one is answered,
// and served if the client asks for it within aheadFresh. The server
// then works on the next page while dirgate writes this one and the
// client reads it (docs/benchmarks.md, SCIM, has the listing's figures
// before and after). A page read ahead is at most aheadFresh
// older than one read when asked; one page per view (maxViews) is held,
// so memory stays flat; a client that stops walking costs the server
// one page read in vain.
type readAhead struct {
	offset, limit int
	asked         time.Time
	done          chan struct{} // closed when res, vr and err are set
	res           *ldap.SearchResult
	vr            *vlvResponse
	err           error
}

// running reports whether the page is still being read: the view's
// connection is busy.
func (a *readAhead) running() bool {
	select {
	case <-a.done:
		return false
	default:
		return true
	}
}

// sortedView is an open view: its search and the connection holding it.
type sortedView struct {
	key       string
	c         *readConn
	contextID []byte
	created   time.Time
	used      time.Time
	ahead     *readAhead // the next page, being read or read; nil: none
}

// sortedViews are the views kept open, least recently used first. The
// zero value is ready.
type sortedViews struct {
	mu     sync.Mutex
	open   []*sortedView
	closed bool

	once sync.Once
	busy chan struct{} // places for view searches in flight
}

// enter waits for one of n places for a view search in flight, so a
// burst of listings opens at most n connections at once, as the pool
// bounded them before views were kept.
func (vs *sortedViews) enter(ctx context.Context, n int) (func(), error) {
	vs.once.Do(func() { vs.busy = make(chan struct{}, max(n, 1)) })
	select {
	case vs.busy <- struct{}{}:
		return func() { <-vs.busy }, nil
	case <-ctx.Done():
		return nil, wrap(context.Cause(ctx), "waiting for a sorted view")
	}
}

// take removes and returns the open view of key when it is still fresh.
func (vs *sortedViews) take(key string, now time.Time) *sortedView {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	vs.expire(now)
	for i, v := range vs.open {
		if v.key == key {
			vs.open = append(vs.open[:i], vs.open[i+1:]...)
			return v
		}
	}
	return nil
}

// keep stores v for a later page, in place of an older view of the same
// search, closing the least recently used beyond maxViews.
func (vs *sortedViews) keep(v *sortedView, now time.Time) {
	v.used = now
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if vs.closed {
		v.c.close()
		return
	}
	vs.expire(now)
	for i, old := range vs.open {
		if old.key == v.key {
			old.c.close()
			vs.open = append(vs.open[:i], vs.open[i+1:]...)
			break
		}
	}
	vs.open = append(vs.open, v)
	for len(vs.open) > maxViews {
		vs.open[0].c.close()
		vs.open = vs.open[1:]
	}
}

// expire closes the views idle or old for too long; vs.mu is held.
func (vs *sortedViews) expire(now time.Time) {
	kept := vs.open[:0]
	for _, v := range vs.open {
		// A connection reading ahead has the server's answer arriving on
		// it: alive, which peeks at the socket, would take it for stale.
		busy := v.ahead != nil && v.ahead.running()
		if now.Sub(v.used) > viewIdle || now.Sub(v.created) > viewAge || (!busy && !v.c.alive()) {
			v.c.close()
			continue
		}
		kept = append(kept, v)
	}
	clear(vs.open[len(kept):])
	vs.open = kept
}

// closeAll closes every view; with final, views offered later are closed
// at once (the directory is closing).
func (vs *sortedViews) closeAll(final bool) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	for _, v := range vs.open {
		v.c.close()
	}
	vs.open = nil
	vs.closed = vs.closed || final
}

// viewKey identifies a search whose view a later page may continue: the
// same base, scope, filter, attributes and sort order.
func viewKey(req *ldap.SearchRequest, sks []*ldap.SortKey) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\x00%d\x00%s\x00%s", req.BaseDN, req.Scope, req.Filter, strings.Join(req.Attributes, ","))
	for _, k := range sks {
		fmt.Fprintf(&b, "\x00%s/%s/%t", k.AttributeType, k.MatchingRule, k.Reverse)
	}
	return b.String()
}

// viewSearch gets the page q names of the sorted result of req: from the
// open view of key when the page is not the first, else from a new view
// on a connection of its own, which is then kept for the next page. LDAP
// errors come back as the server sent them (runSearch falls back to a
// scan on some); network trouble as ErrUnavailable.
func (d *Directory) viewSearch(ctx context.Context, key string, req *ldap.SearchRequest, sss ldap.Control, q directory.Query) (*ldap.SearchResult, *vlvResponse, error) {
	leave, err := d.views.enter(ctx, d.cfg.PoolSize)
	if err != nil {
		return nil, nil, err
	}
	defer leave()
	if q.Offset > 0 {
		if v := d.views.take(key, d.now()); v != nil {
			res, vr, err := d.nextOnView(ctx, v, req, sss, q)
			if err == nil {
				d.readAhead(ctx, v, req, sss, q, vr)
				d.views.keep(v, d.now())
				return res, vr, nil
			}
			v.c.close()
			if ctx.Err() != nil {
				return nil, nil, err
			}
			// The server dropped the view (or the connection): sort afresh.
		}
	}
	c, err := d.dialer.dialRead(ctx, d.reads.bindDN, d.reads.bindPW)
	if err != nil {
		return nil, nil, err
	}
	v := &sortedView{key: key, c: c, created: d.now()}
	res, vr, err := d.onView(ctx, v, req, sss, q)
	if d.cfg.Referrals == "follow" && isCode(err, ldap.LDAPResultReferral) {
		c.close()
		return d.viewElsewhere(ctx, err, req, sss, q)
	}
	if err != nil || len(vr.contextID) == 0 {
		c.close()
		return res, vr, err
	}
	d.views.keep(v, d.now())
	return res, vr, nil
}

// nextOnView is continueView, served from the page read ahead when that
// is the page q names and fresh enough.
func (d *Directory) nextOnView(ctx context.Context, v *sortedView, req *ldap.SearchRequest, sss ldap.Control, q directory.Query) (*ldap.SearchResult, *vlvResponse, error) {
	if a := v.ahead; a != nil {
		v.ahead = nil
		select {
		case <-a.done:
		case <-ctx.Done():
			return nil, nil, fmt.Errorf("%w: sorted view on %s: %w", directory.ErrUnavailable, v.c.url, context.Cause(ctx))
		}
		if a.err == nil && a.offset == q.Offset && a.limit == q.Limit && d.now().Sub(a.asked) <= aheadFresh {
			return a.res, a.vr, nil
		}
	}
	return d.continueView(ctx, v, req, sss, q)
}

// readAhead starts reading the page after q on v, unless q's page was
// the last.
func (d *Directory) readAhead(ctx context.Context, v *sortedView, req *ldap.SearchRequest, sss ldap.Control, q directory.Query, vr *vlvResponse) {
	next := q
	next.Offset += q.Limit
	if q.Limit <= 0 || vr.targetPosition != q.Offset+1 || next.Offset >= vr.contentCount {
		return
	}
	a := &readAhead{offset: next.Offset, limit: next.Limit, asked: d.now(), done: make(chan struct{})}
	v.ahead = a
	// Not the request's context, which ends when this page is answered;
	// closing the view (expiry, eviction, Close) aborts the read.
	actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), viewIdle)
	go func() {
		defer close(a.done)
		defer cancel()
		a.res, a.vr, a.err = d.continueView(actx, v, req, sss, next)
	}()
}

// busyRetries bounds how often a page of an open view is asked again
// when the server answers Busy; each wait doubles from 1 ms (≤ 31 ms in
// all).
const busyRetries = 5

// continueView is onView for a page after the first. slapd's sssvlv
// overlay marks a connection's sort as running until it has cleaned up
// after sending the previous page, so a client quick enough to ask for
// the next page can be told Busy ("Other sort requests already in
// progress") although nothing else runs on the view's connection; the
// page is asked again a moment later before the view is given up.
func (d *Directory) continueView(ctx context.Context, v *sortedView, req *ldap.SearchRequest, sss ldap.Control, q directory.Query) (*ldap.SearchResult, *vlvResponse, error) {
	wait := time.Millisecond
	for try := 0; ; try++ {
		res, vr, err := d.onView(ctx, v, req, sss, q)
		if try == busyRetries || !isCode(err, ldap.LDAPResultBusy) {
			return res, vr, err
		}
		select {
		case <-ctx.Done():
			return nil, nil, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// onView runs the VLV request for q on the view's connection, continuing
// the view when it has a context id, and notes the context id answered.
func (d *Directory) onView(ctx context.Context, v *sortedView, req *ldap.SearchRequest, sss ldap.Control, q directory.Query) (*ldap.SearchResult, *vlvResponse, error) {
	r := *req
	r.Controls = []ldap.Control{sss, &vlvRequest{offset: q.Offset + 1, afterCount: q.Limit - 1, contextID: v.contextID}}
	stop := context.AfterFunc(ctx, v.c.abort)
	res, err := v.c.Search(&r)
	if !stop() {
		return nil, nil, fmt.Errorf("%w: sorted view on %s: %w", directory.ErrUnavailable, v.c.url, context.Cause(ctx))
	}
	if isNetwork(err) {
		return nil, nil, fmt.Errorf("%w: sorted view on %s: %v", directory.ErrUnavailable, v.c.url, err)
	}
	if err != nil {
		return nil, nil, err
	}
	return vlvAnswer(v, res)
}

// vlvAnswer reads the VLV response of res into v.
func vlvAnswer(v *sortedView, res *ldap.SearchResult) (*ldap.SearchResult, *vlvResponse, error) {
	vr, err := findVLVResponse(res.Controls)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", directory.ErrUnavailable, err)
	}
	if vr.result != 0 {
		return nil, nil, ldap.NewError(uint16(vr.result), fmt.Errorf("VLV result %d", vr.result))
	}
	v.contextID = vr.contextID
	return res, vr, nil
}

// viewElsewhere follows a referral for a new view, once, without keeping
// the view (the referred server is not the one configured).
func (d *Directory) viewElsewhere(ctx context.Context, refErr error, req *ldap.SearchRequest, sss ldap.Control, q directory.Query) (*ldap.SearchResult, *vlvResponse, error) {
	r := *req
	r.Controls = []ldap.Control{sss, &vlvRequest{offset: q.Offset + 1, afterCount: q.Limit - 1}}
	var res *ldap.SearchResult
	err := d.followReferral(ctx, refErr, func(c *conn) error {
		var err error
		res, err = c.Search(&r)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return vlvAnswer(&sortedView{}, res)
}
