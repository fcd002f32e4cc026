package ldap

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap/internal/wire"
)

// client is what the pool needs of a connection's LDAP client: go-ldap's
// *ldap.Conn on the service and bind pools, the lean read client
// *wire.Conn on the read pool (package wire says why that one exists).
type client interface {
	Search(*ldap.SearchRequest) (*ldap.SearchResult, error)
	IsClosing() bool
	Close() error
}

// searcher is a connection a search runs on: the read pool's, or a
// go-ldap one a referral led to.
type searcher interface {
	Search(*ldap.SearchRequest) (*ldap.SearchResult, error)
}

// link is what the pool keeps of a connection beside its client.
type link struct {
	raw  net.Conn // the socket under TLS and the client, closed to abort a call
	url  string
	tls  bool
	used time.Time // last returned to the pool
	uses int       // calls completed on it
	// spent: the server keeps state for this connection that later calls
	// must not meet (a sorted view); it is closed instead of reused.
	spent bool
}

func (l *link) state() *link { return l }

// abort ends whatever the connection is doing by closing its socket: a
// call blocked on it returns at once with a network error.
func (l *link) abort() { _ = l.raw.Close() }

// conn is a connection of the service and bind pools: go-ldap's client,
// which does every operation.
type conn struct {
	*ldap.Conn
	link
}

func (c *conn) close() {
	c.abort()
	_ = c.Conn.Close()
}

// alive reports whether an idle connection is still usable: go-ldap's
// reader goroutine has noticed when the server went away.
func (c *conn) alive() bool { return !c.Conn.IsClosing() }

// readConn is a connection of the read pool and of sorted views: the lean
// client, which only searches.
type readConn struct {
	*wire.Conn
	link
}

func (c *readConn) close() {
	c.abort()
	_ = c.Conn.Close()
}

// alive reports whether an idle connection is still usable: the read
// client has no reader goroutine, so it peeks at the socket.
func (c *readConn) alive() bool { return !c.Conn.Stale() }

// pooled is what a pool holds: a *conn or a *readConn, each a client that
// is never nil.
type pooled interface {
	comparable
	client
	state() *link
	abort()
	close()
	alive() bool
}

// pool keeps up to size connections bound as one identity (the service
// account, or nobody for the bind pool). A connection is checked on
// checkout — a closed one is replaced, one idle for longer than idleCheck
// is probed with a root DSE read — and dropped after any network error.
type pool[C pooled] struct {
	name      string
	dialer    *dialer
	bindDN    string
	bindPW    string
	idleCheck time.Duration

	idle  chan C        // connections ready for use
	slots chan struct{} // one token per connection that may be open

	// onConnect runs (in its own goroutine) after each new connection.
	onConnect func()
	// dial opens a connection of the pool's kind.
	dial func(d *dialer, ctx context.Context, bindDN, bindPW string) (C, error)

	mu     sync.Mutex
	closed bool
	gen    uint64 // bumped by drain: connections of older generations are dropped on return
	gens   map[C]uint64
}

func newPool[C pooled](name string, d *dialer, dial func(*dialer, context.Context, string, string) (C, error),
	size int, bindDN, bindPW string, idleCheck time.Duration) *pool[C] {
	p := &pool[C]{
		name: name, dialer: d, dial: dial, bindDN: bindDN, bindPW: bindPW, idleCheck: idleCheck,
		idle:  make(chan C, size),
		slots: make(chan struct{}, size),
		gens:  map[C]uint64{},
	}
	for range size {
		p.slots <- struct{}{}
	}
	return p
}

var errPoolClosed = fmt.Errorf("%w: the directory is closed", directory.ErrUnavailable)

// get returns a healthy connection, waiting for one to come back when all
// are in use, until ctx ends.
func (p *pool[C]) get(ctx context.Context) (C, error) {
	var none C
	for {
		if p.isClosed() {
			return none, errPoolClosed
		}
		var c C
		select {
		case c = <-p.idle:
		default:
			select {
			case c = <-p.idle:
			case <-p.slots:
				return p.open(ctx)
			case <-ctx.Done():
				return none, wrap(context.Cause(ctx), "waiting for a "+p.name+" connection")
			}
		}
		if p.healthy(ctx, c) {
			return c, nil
		}
		p.discard(c)
	}
}

// fresh returns a new connection, for a retry: the idle ones are as old
// as the one that just broke, and when the server went away they are as
// dead, though the look at the socket on checkout (alive) sees that only
// once their close has reached this host. An idle connection is closed
// for its slot when no slot is free.
func (p *pool[C]) fresh(ctx context.Context) (C, error) {
	var none C
	for {
		if p.isClosed() {
			return none, errPoolClosed
		}
		select {
		case <-p.slots:
			return p.open(ctx)
		default:
		}
		select {
		case <-p.slots:
			return p.open(ctx)
		case c := <-p.idle:
			p.discard(c)
		case <-ctx.Done():
			return none, wrap(context.Cause(ctx), "waiting for a "+p.name+" connection")
		}
	}
}

// open dials a new connection in a slot the caller holds.
func (p *pool[C]) open(ctx context.Context) (C, error) {
	c, err := p.dial(p.dialer, ctx, p.bindDN, p.bindPW)
	if err != nil {
		p.slots <- struct{}{}
		return c, err
	}
	p.mu.Lock()
	p.gens[c] = p.gen
	p.mu.Unlock()
	if p.onConnect != nil {
		go p.onConnect()
	}
	return c, nil
}

// healthy checks a connection taken from the idle list.
func (p *pool[C]) healthy(ctx context.Context, c C) bool {
	if !c.alive() {
		return false
	}
	if p.idleCheck <= 0 || time.Since(c.state().used) < p.idleCheck {
		return true
	}
	// Long idle: a firewall may have dropped it silently. One cheap round
	// trip under a short deadline tells.
	probeCtx, cancel := context.WithTimeout(ctx, min(p.dialer.dialTimeout, time.Second))
	defer cancel()
	stop := context.AfterFunc(probeCtx, c.state().abort)
	_, err := c.Search(rootDSE("1.1"))
	if !stop() || err != nil {
		return false
	}
	c.state().used = time.Now()
	return true
}

// put returns a connection after use; broken says a network error made it
// unusable.
func (p *pool[C]) put(c C, broken bool) {
	p.mu.Lock()
	stale := p.closed || p.gens[c] != p.gen
	p.mu.Unlock()
	if broken || stale || c.state().spent || c.IsClosing() {
		p.discard(c)
		return
	}
	c.state().used = time.Now()
	c.state().uses++
	select {
	case p.idle <- c:
	default:
		p.discard(c) // cannot happen: one idle place per slot
	}
}

// connections counts the pool's open connections (in use or idle) and
// the idle ones, for the health check.
func (p *pool[C]) connections() directory.PoolConnections {
	p.mu.Lock()
	defer p.mu.Unlock()
	return directory.PoolConnections{Pool: p.name, Open: len(p.gens), Idle: len(p.idle)}
}

// discard closes a connection and frees its slot.
func (p *pool[C]) discard(c C) {
	p.mu.Lock()
	delete(p.gens, c)
	p.mu.Unlock()
	go c.close() // go-ldap's Close may wait for the server; nobody needs to
	p.slots <- struct{}{}
}

// drain closes every idle connection and marks the ones in use to be
// closed when they come back (Reconnect).
func (p *pool[C]) drain() {
	p.mu.Lock()
	p.gen++
	p.mu.Unlock()
	for {
		select {
		case c := <-p.idle:
			p.discard(c)
		default:
			return
		}
	}
}

func (p *pool[C]) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.drain()
}

func (p *pool[C]) isClosed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closed
}

// call runs fn on a pooled connection under ctx: when ctx ends first the
// connection is aborted, so fn returns at once, and the call fails with
// ErrUnavailable. A network error drops the connection; when the
// connection had been idle (the server may have restarted meanwhile) and
// retry is set, fn runs once more on a fresh one.
func (p *pool[C]) call(ctx context.Context, retry bool, fn func(C) error) error {
	for attempt := 0; ; attempt++ {
		// An idle connection is handed out whatever ctx says, and aborting
		// an ended call races the call: a fast answer could win it.
		if ctx.Err() != nil {
			return fmt.Errorf("%w: %s call: %w", directory.ErrUnavailable, p.name, context.Cause(ctx))
		}
		get := p.get
		if attempt > 0 {
			get = p.fresh
		}
		c, err := get(ctx)
		if err != nil {
			return err
		}
		reused := c.state().uses > 0
		// The link's abort, not C's: a method value of a type parameter
		// is a larger closure, 8 bytes more per call.
		stop := context.AfterFunc(ctx, c.state().abort)
		err = fn(c)
		aborted := !stop()
		broken := aborted || isNetwork(err) || closedUnder(c, err)
		p.put(c, broken)
		switch {
		case err == nil:
			// Done, even if the deadline fired just after: the server did
			// what was asked.
			return nil
		case aborted:
			return fmt.Errorf("%w: %s call on %s: %w", directory.ErrUnavailable, p.name, c.state().url, context.Cause(ctx))
		case broken && retry && reused && attempt == 0:
			continue
		case broken:
			return fmt.Errorf("%w: %s call on %s: %v", directory.ErrUnavailable, p.name, c.state().url, err)
		}
		return err
	}
}

// closedUnder reports whether err is the connection closing under a
// call: go-ldap answers a request in flight when the server goes away
// with a plain error ("unable to read LDAP response packet: EOF") that
// carries no result code, so only the connection's state tells. A write
// to a socket already closed fails before go-ldap's reader has noticed,
// with a plain "unable to send request: …" that keeps neither a result
// code nor the socket's error: the request never left, and the
// connection is as dead.
func closedUnder(c client, err error) bool {
	if err == nil || resultCode(err) != 0 {
		return false
	}
	return c.IsClosing() || strings.HasPrefix(err.Error(), goLDAPSendFailed)
}

// goLDAPSendFailed starts go-ldap's error for a request it could not
// write (conn.go, processMessages).
const goLDAPSendFailed = "unable to send request: "

// rootDSE is a search for the root DSE's attrs.
func rootDSE(attrs ...string) *ldap.SearchRequest {
	return ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", attrs, nil)
}

var errNoEntry = errors.New("no entry")
