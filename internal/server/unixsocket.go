package server

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/dirgate/dirgate/config"
)

// ErrSocketInUse: another process answers on the socket path.
var ErrSocketInUse = errors.New("another process is listening on the socket")

// unixSocket is a listening unix socket that dirgate created and removes.
type unixSocket struct {
	net.Listener
	path string
	// info identifies the file we created, so Close never removes a
	// socket that someone else put there since.
	info fs.FileInfo
}

// listenUnix creates a socket at path with the given mode. A socket left
// by a crash is replaced, but only once nothing answers on it; a file that
// is not a socket is never removed. The socket is born in a private
// directory and renamed into place, so it is never reachable with looser
// permissions than mode, whatever the umask.
func listenUnix(ctx context.Context, path string, mode fs.FileMode) (*unixSocket, error) {
	// The kernel answers a path over the limit with a bare EINVAL; the
	// private directory the socket is born in needs room too.
	if n := max(len(path), len(filepath.Dir(path))+len("/.dg4294967295/s")); n > config.MaxSocketPath {
		return nil, fmt.Errorf("unix socket %s: %w", path, config.SocketPathTooLong(n))
	}
	if err := clearStale(ctx, path); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(filepath.Dir(path), ".dg")
	if err != nil {
		return nil, fmt.Errorf("unix socket %s: %w", path, err)
	}
	defer os.RemoveAll(dir)
	tmp := filepath.Join(dir, "s")
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "unix", tmp)
	if err != nil {
		return nil, fmt.Errorf("unix socket %s: %w", path, err)
	}
	ul := ln.(*net.UnixListener)
	ul.SetUnlinkOnClose(false) // it is renamed: Close removes the final path itself
	fail := func(err error) (*unixSocket, error) {
		ul.Close()
		return nil, fmt.Errorf("unix socket %s: %w", path, err)
	}
	if err := os.Chmod(tmp, mode); err != nil {
		return fail(err)
	}
	// Between the check above and here another process may have created
	// the path: link(2) refuses to replace it, where rename would not.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fail(fmt.Errorf("%w: %s appeared while dirgate was starting", ErrSocketInUse, path))
		}
		return fail(err)
	}
	info, err := os.Lstat(path)
	if err != nil {
		return fail(err)
	}
	return &unixSocket{Listener: ul, path: path, info: info}, nil
}

// clearStale removes a socket file nobody listens on.
func clearStale(ctx context.Context, path string) error {
	info, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("unix socket %s: %w", path, err)
	}
	if info.Mode().Type() != fs.ModeSocket {
		return fmt.Errorf("unix socket %s: the path exists and is not a socket; refusing to remove it", path)
	}
	dctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "unix", path)
	if err == nil {
		conn.Close()
		return fmt.Errorf("unix socket %s: %w", path, ErrSocketInUse)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		// Not provably stale (no permission, a timeout): leave it alone.
		return fmt.Errorf("unix socket %s: cannot tell whether it is in use: %w", path, err)
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("unix socket %s: remove stale socket: %w", path, err)
	}
	return nil
}

// Close stops listening and removes the socket file if it is still ours.
func (s *unixSocket) Close() error {
	err := s.Listener.Close()
	if now, statErr := os.Lstat(s.path); statErr == nil && os.SameFile(now, s.info) {
		if rmErr := os.Remove(s.path); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			err = errors.Join(err, rmErr)
		}
	}
	return err
}

// Addr is the socket's final path (the listener was bound under a
// temporary name before it was linked into place).
func (s *unixSocket) Addr() net.Addr { return &net.UnixAddr{Name: s.path, Net: "unix"} }
