package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/dirgate/dirgate/config"
)

// ErrAddressInUse: another program listens on a TCP address dirgate was
// given.
var ErrAddressInUse = errors.New("the address is in use by another program")

// Listeners are a configuration's listeners, opened before anything else
// happens — before the quick start provisions its store, before the
// directories are opened — so a port in use or a socket path that cannot
// be bound stops dirgate at once, saying which and what to do, and leaves
// nothing half made. Options.Listeners hands them to the server.
type Listeners struct {
	open map[string]net.Listener
}

func listenerKey(l config.Listener) string { return l.Network() + ":" + l.Address() }

// Listen opens every listener cfg names: the main address and each
// enabled dialect's own. When one cannot be opened, none stays open.
func Listen(ctx context.Context, cfg *config.Config) (*Listeners, error) {
	ls := &Listeners{open: map[string]net.Listener{}}
	want := []config.Listener{{TCP: cfg.Listen}}
	for _, name := range enabledDialects(cfg) {
		want = append(want, cfg.Dialects[name].Listeners...)
	}
	for i, l := range want {
		if _, done := ls.open[listenerKey(l)]; done {
			continue
		}
		ln, err := listen(ctx, l)
		if err != nil {
			ls.Close()
			if i == 0 && errors.Is(err, ErrAddressInUse) {
				err = fmt.Errorf("%w; choose another with --listen HOST:PORT or DIRGATE_LISTEN "+
					"(from a checkout: make run LISTEN=127.0.0.1:8081)", err)
			}
			return nil, err
		}
		ls.open[listenerKey(l)] = ln
	}
	return ls, nil
}

// take hands over the open listener for l, if there is one.
func (ls *Listeners) take(l config.Listener) net.Listener {
	if ls == nil {
		return nil
	}
	ln := ls.open[listenerKey(l)]
	delete(ls.open, listenerKey(l))
	return ln
}

// Close closes the listeners no server took. It is safe on nil.
func (ls *Listeners) Close() {
	if ls == nil {
		return
	}
	for k, ln := range ls.open {
		ln.Close()
		delete(ls.open, k)
	}
}

func listen(ctx context.Context, l config.Listener) (net.Listener, error) {
	if l.Unix != "" {
		return listenUnix(ctx, l.Unix, l.Mode.Perm())
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", l.TCP)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("listen on %s: %w", l.TCP, ErrAddressInUse)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", l.TCP, err)
	}
	return ln, nil
}
