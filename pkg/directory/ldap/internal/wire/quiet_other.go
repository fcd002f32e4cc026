//go:build !unix

package wire

import "net"

// socketQuiet cannot peek at a socket here: a dead connection is found when a
// request fails on it, and the pool retries once on a fresh one.
func socketQuiet(net.Conn) bool { return true }
