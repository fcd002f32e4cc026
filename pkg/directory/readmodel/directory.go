package readmodel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// DefaultMaxLag is the lag bound when Config.MaxLag is zero.
const DefaultMaxLag = time.Second

// Config configures a read model.
type Config struct {
	// MaxLag bounds how old the model's last proof of freshness may be
	// for it to answer a read; past it, reads go to the directory and
	// Health reports the domain unavailable. Default DefaultMaxLag.
	MaxLag time.Duration
	Log    *slog.Logger
}

// Directory is a directory.Directory answering reads from the read model
// while it is fresh and passing everything else to the backend it wraps.
type Directory struct {
	directory.Directory // the backend: every method not below passes through

	feed   Feed
	shape  Shape
	base   string
	maxLag time.Duration
	log    *slog.Logger
	st     *store

	users, groups matcher

	mu        sync.Mutex
	cookie    string
	pos       Position
	loaded    bool      // the last full load or resume is complete
	connected bool      // the stream runs
	off       bool      // the directory offers no stream: never serve
	lastFresh time.Time // the start of the last proof that the model held every change
	// owed is the server's position after writes acknowledged while the
	// model did not serve (owedAt, the last of them), and fence when such
	// a write could not read it: the model serves again only once it holds
	// owed, or a proof asked after owedAt succeeded, and only on a proof
	// asked after fence (settle).
	owed          Position
	owedAt, fence time.Time
	changed       chan struct{}

	// served and routed count the reads the model answered and those it
	// passed to the directory (Stats).
	served, routed atomic.Int64
	loads, resumes atomic.Int64

	stop context.CancelFunc
	done sync.WaitGroup
}

// Stats are a read model's counters.
type Stats struct {
	// Served reads were answered by the model; Routed ones by the
	// directory (the model not serving, or not answering that query).
	Served, Routed int64
	// Loads counts full loads of the model: one at start, and one more
	// each time the stream could not resume from its cookie.
	Loads int64
	// Resumes counts restarts of the stream from its cookie after a break:
	// those that the server could not resume also count a Load.
	Resumes int64
}

// Stats returns the counters so far.
func (d *Directory) Stats() Stats {
	return Stats{Served: d.served.Load(), Routed: d.routed.Load(), Loads: d.loads.Load(), Resumes: d.resumes.Load()}
}

// tally counts a read; it returns whether the model answered.
func (d *Directory) tally(err error) bool {
	if errors.Is(err, errRoute) {
		d.routed.Add(1)
		return false
	}
	d.served.Add(1)
	return true
}

// WaitServing waits until the model serves reads, or ctx ends.
func (d *Directory) WaitServing(ctx context.Context) error {
	for !d.serving() {
		d.mu.Lock()
		ch := d.changed
		d.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: read model not serving: %w", directory.ErrUnavailable, ctx.Err())
		case <-ch:
		case <-time.After(d.maxLag / 8):
		}
	}
	return nil
}

var _ directory.Directory = (*Directory)(nil)

// New wraps backend with a read model fed by feed and starts the stream
// and its freshness probe in the background; reads go to the backend
// until the first load is complete. Close stops them and closes backend.
func New(backend directory.Directory, feed Feed, cfg Config) *Directory {
	if cfg.MaxLag <= 0 {
		cfg.MaxLag = DefaultMaxLag
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	shape := feed.Shape()
	d := &Directory{
		Directory: backend,
		feed:      feed,
		shape:     shape,
		base:      backend.BaseDN(),
		maxLag:    cfg.MaxLag,
		log:       cfg.Log.With("readModel", backend.BaseDN()),
		st:        newStore(shape),
		users:     matcher{matching: shape.Matching},
		groups:    matcher{matching: shape.Matching},
		pos:       Position{},
		changed:   make(chan struct{}),
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.stop = cancel
	d.done.Add(2)
	go d.stream(ctx)
	go d.probe(ctx)
	return d
}

// Close stops the stream and closes the backend.
func (d *Directory) Close() error {
	d.stop()
	d.done.Wait()
	return d.Directory.Close()
}

// stream runs the feed, again after every break (resuming from the
// cookie), until Close.
func (d *Directory) stream(ctx context.Context) {
	defer d.done.Done()
	// Short waits: a retry is one dial, and every moment the stream is
	// down the domain is unready. The backend's dialer has its own backoff
	// on top (reconnectBackoff).
	const firstWait, maxWait = 50 * time.Millisecond, 500 * time.Millisecond
	backoff := firstWait
	for {
		d.mu.Lock()
		cookie := d.cookie
		d.mu.Unlock()
		if cookie == "" {
			// A load broken before its first cookie left a part: start
			// from nothing.
			sink{d}.Reset()
		} else {
			d.resumes.Add(1)
		}
		err := d.feed.Run(ctx, cookie, sink{d})
		d.mu.Lock()
		d.connected = false
		d.mu.Unlock()
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, ErrNoChangeStream) {
			d.mu.Lock()
			d.off = true
			d.mu.Unlock()
			d.log.Warn("read model off: the directory offers no change stream (OpenLDAP: load the syncprov overlay); every read goes to the directory", "error", err)
			return
		}
		d.log.Warn("read model: change stream broken; reads go to the directory until it resumes", "error", err, "retryIn", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, maxWait)
		if err == nil {
			backoff = firstWait
		}
	}
}

// probe proves freshness a few times per lag bound: it asks the server
// for its position and, when the model holds it, notes when it asked.
func (d *Directory) probe(ctx context.Context) {
	defer d.done.Done()
	t := time.NewTicker(d.maxLag / 4)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if d.Off() {
			return
		}
		pctx, cancel := context.WithTimeout(ctx, d.maxLag)
		_, _ = d.await(pctx)
		cancel()
	}
}

// await asks the server for its position and waits until the model holds
// it, which proves the model fresh as of the question. It returns the
// position (nil when the server did not answer) and whether the model
// held it within ctx.
func (d *Directory) await(ctx context.Context) (Position, bool) {
	asked := time.Now()
	want, err := d.feed.Position(ctx)
	if err != nil {
		return nil, false
	}
	for {
		d.mu.Lock()
		ok := d.loaded && d.connected && d.pos.Covers(want)
		ch := d.changed
		if ok && asked.After(d.fence) {
			if asked.After(d.lastFresh) {
				d.lastFresh = asked
			}
			if asked.After(d.owedAt) {
				d.owed = nil // this proof covers the owed writes too
			}
		}
		d.mu.Unlock()
		if ok {
			return want, true
		}
		select {
		case <-ctx.Done():
			return want, false
		case <-ch:
		}
	}
}

// Lag is the age of the model's last proof of freshness: the model holds
// every change made before now minus Lag. ok is false while the model
// does not serve (off, loading, or its stream down).
func (d *Directory) Lag() (lag time.Duration, ok bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lagLocked()
}

func (d *Directory) lagLocked() (lag time.Duration, ok bool) {
	if d.off || !d.loaded || !d.connected || d.lastFresh.IsZero() {
		return 0, false
	}
	return time.Since(d.lastFresh), true
}

// Off reports whether the model was turned off for good because the
// directory offers no change stream.
func (d *Directory) Off() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.off
}

// serving reports whether reads may be answered by the model now: fresh
// within the bound, and holding every write it owes (settle).
func (d *Directory) serving() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	lag, ok := d.lagLocked()
	return ok && lag <= d.maxLag && d.pos.Covers(d.owed)
}

// answers reports whether the read made with ctx may be answered by the
// model: the model is serving and the caller has not asked for the
// directory itself (directory.Authoritative, the checks that decide a
// write).
func (d *Directory) answers(ctx context.Context) bool {
	return ctx.Err() == nil && !directory.IsAuthoritative(ctx) && d.serving()
}

// Health adds the model's state to the backend's: a model that should
// serve and cannot (stream down, behind its bound, still loading) makes
// the domain unready, though reads still work through the directory.
func (d *Directory) Health(ctx context.Context) (directory.Health, error) {
	h, err := d.Directory.Health(ctx)
	d.mu.Lock()
	off := d.off
	d.mu.Unlock()
	if off {
		return h, err
	}
	lag, ok := d.Lag()
	h.ReadModel = &directory.ReadModelHealth{Serving: ok && lag <= d.maxLag, Streaming: ok, Lag: lag, MaxLag: d.maxLag}
	if named, isNamed := d.feed.(interface{ FeedName() string }); isNamed {
		h.ReadModel.Feed = named.FeedName()
	}
	if err != nil {
		return h, err
	}
	if !ok {
		return h, fmt.Errorf("%w: read model not serving (change stream down or loading)", directory.ErrUnavailable)
	}
	if lag > d.maxLag {
		return h, fmt.Errorf("%w: read model %s behind (bound %s)", directory.ErrUnavailable, lag.Round(time.Millisecond), d.maxLag)
	}
	return h, nil
}

// sink applies the feed to the model.
type sink struct{ d *Directory }

func (s sink) Reset() {
	s.d.loads.Add(1)
	s.d.mu.Lock()
	s.d.loaded = false
	s.d.pos = Position{}
	s.d.owed = nil // the load starts after every write owed so far
	s.d.cookie = ""
	s.d.mu.Unlock()
	s.d.st.mu.Lock()
	s.d.st.reset()
	s.d.st.mu.Unlock()
}

func (s sink) Put(e Entry) {
	s.d.st.mu.Lock()
	s.d.st.put(e)
	s.d.st.mu.Unlock()
}

func (s sink) Remove(id string) {
	s.d.st.mu.Lock()
	s.d.st.remove(id)
	s.d.st.mu.Unlock()
}

func (s sink) RemoveAbsent(present map[string]bool) {
	s.d.st.mu.Lock()
	s.d.st.removeAbsent(present)
	s.d.st.mu.Unlock()
}

func (s sink) Synced(cookie string, pos Position, refreshed bool) {
	d := s.d
	d.mu.Lock()
	loading := refreshed && !d.loaded
	d.mu.Unlock()
	if loading {
		// Only this goroutine (the stream's) changes loaded: it is still
		// false below.
		releaseMemory()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if cookie != "" {
		d.cookie = cookie
	}
	d.pos = d.pos.Merge(pos)
	if refreshed {
		if !d.loaded {
			d.log.Info("read model loaded", "users", d.size(KindUser), "groups", d.size(KindGroup))
		}
		d.loaded = true
		d.connected = true
	}
	close(d.changed)
	d.changed = make(chan struct{})
}

func (d *Directory) size(k Kind) int {
	d.st.mu.RLock()
	defer d.st.mu.RUnlock()
	return d.st.counts[k]
}
