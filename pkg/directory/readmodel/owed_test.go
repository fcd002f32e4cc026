package readmodel_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// TestWriteWhileNotServingIsNotMissed: a write acknowledged while the
// model does not serve (its proof of freshness too old, the stream still
// up) must be seen by the next read, even when a proof of freshness asked
// before the write completes after it and the stream has not yet brought
// the write. The slapd feed is real; only the timing is forced: one
// probe's answer is held back, and the stream's delivery is held while the
// write is made.
func TestWriteWhileNotServingIsNotMissed(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	const bound = 500 * time.Millisecond
	backend := openBackend(t, srv)
	inner, err := backend.ReadModelFeed()
	if err != nil {
		t.Fatal(err)
	}
	feed := &gatedFeed{Feed: inner, held: make(chan struct{}, 1)}
	m := readmodel.New(backend, feed, readmodel.Config{MaxLag: bound, Log: testLogger()})
	t.Cleanup(func() {
		feed.releaseStream()
		m.Close()
	})
	ctx := t.Context()
	waitServing(t, m)
	before := "before"
	u, err := m.CreateUser(ctx, directory.NewUser{ParentDN: srv.FreshOU(t), Username: "owed", Surname: "O", Title: before})
	if err != nil {
		t.Fatal(err)
	}

	// The probe's next answer is held: the model's proof grows old and it
	// stops serving, its stream still up; long enough that the held
	// proof, once given, is too old as well.
	first := feed.holdNextPosition()
	<-feed.held
	within(t, 5*bound, "the model stepping aside", func() bool { lag, ok := m.Lag(); return ok && lag > 2*bound })
	// A new probe asks the server's position now, before the write, and
	// its answer is held too.
	second := feed.holdNextPosition()
	close(first)
	<-feed.held

	feed.holdStream()
	after := "after"
	if _, err := m.UpdateUser(ctx, directory.ByID(u.ID), directory.UserPatch{Title: &after}); err != nil {
		t.Fatal(err)
	}
	// The probe asked before the write completes now: the model holds the
	// position it asked, and has its proof, yet not the write.
	close(second)
	within(t, 3*bound, "the held probe's proof", func() bool { lag, ok := m.Lag(); return ok && lag <= bound })
	got, err := m.GetUser(ctx, directory.ByID(u.ID))
	if err != nil || got.Title != after {
		t.Fatalf("the read after the write: %+v %v, want title %q", got, err, after)
	}

	feed.releaseStream()
	waitServing(t, m)
	served := m.Stats().Served
	if got, err := m.GetUser(ctx, directory.ByID(u.ID)); err != nil || got.Title != after || m.Stats().Served == served {
		t.Fatalf("once the stream brought the write: %+v %v, served by the model: %v", got, err, m.Stats().Served != served)
	}
}

// gatedFeed is a real feed whose timing a test forces: the next Position
// answer can be held back, and the stream's calls into the sink held.
type gatedFeed struct {
	readmodel.Feed
	held chan struct{} // a Position answer is being held

	mu         sync.Mutex
	posGate    chan struct{}
	streamGate chan struct{}
}

// holdNextPosition holds the next Position answer until the returned
// channel is closed.
func (f *gatedFeed) holdNextPosition() chan struct{} {
	gate := make(chan struct{})
	f.mu.Lock()
	f.posGate = gate
	f.mu.Unlock()
	return gate
}

func (f *gatedFeed) Position(ctx context.Context) (readmodel.Position, error) {
	p, err := f.Feed.Position(ctx)
	f.mu.Lock()
	gate := f.posGate
	f.posGate = nil
	f.mu.Unlock()
	if gate != nil {
		f.held <- struct{}{}
		<-gate
	}
	return p, err
}

func (f *gatedFeed) holdStream() {
	f.mu.Lock()
	f.streamGate = make(chan struct{})
	f.mu.Unlock()
}

func (f *gatedFeed) releaseStream() {
	f.mu.Lock()
	if f.streamGate != nil {
		close(f.streamGate)
		f.streamGate = nil
	}
	f.mu.Unlock()
}

func (f *gatedFeed) Run(ctx context.Context, cookie string, sink readmodel.Sink) error {
	return f.Feed.Run(ctx, cookie, gatedSink{Sink: sink, f: f})
}

// gatedSink passes the stream on, waiting while it is held.
type gatedSink struct {
	readmodel.Sink
	f *gatedFeed
}

func (s gatedSink) wait() {
	s.f.mu.Lock()
	gate := s.f.streamGate
	s.f.mu.Unlock()
	if gate != nil {
		<-gate
	}
}

func (s gatedSink) Put(e readmodel.Entry) { s.wait(); s.Sink.Put(e) }
func (s gatedSink) Remove(id string)      { s.wait(); s.Sink.Remove(id) }
func (s gatedSink) RemoveAbsent(present map[string]bool) {
	s.wait()
	s.Sink.RemoveAbsent(present)
}
func (s gatedSink) Synced(cookie string, pos readmodel.Position, refreshed bool) {
	s.wait()
	s.Sink.Synced(cookie, pos, refreshed)
}
