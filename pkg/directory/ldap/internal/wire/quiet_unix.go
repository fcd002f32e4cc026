//go:build unix

package wire

import (
	"net"
	"syscall"
)

// socketQuiet reports whether a socket is open with nothing to read, without
// blocking or consuming anything: a peek that finds the end of the stream
// (the peer closed), data, or an error means the connection is unusable
// for a client that reads only what it asked for.
func socketQuiet(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return true
	}
	open := true
	var b [1]byte
	err = rc.Read(func(fd uintptr) bool {
		_, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = err == syscall.EAGAIN || err == syscall.EWOULDBLOCK
		return true // done, whatever the answer: never wait
	})
	return err == nil && open
}
