package config

import "fmt"

// MaxSocketPath is the longest unix socket path Linux binds (sun_path).
const MaxSocketPath = 108

// SocketPathTooLong says that a socket path of n bytes cannot be bound,
// and how to choose a shorter one.
func SocketPathTooLong(n int) error {
	return fmt.Errorf("the path is too long for a unix socket (%d bytes, the limit is %d): "+
		"choose a shorter path, or for the quick start a shorter --data-dir (make run DATA_DIR=/tmp/dg), "+
		"which holds Artica's socket", n, MaxSocketPath)
}
