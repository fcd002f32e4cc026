package inproc

import (
	"bytes"
	"io"
	"sync"
)

// Buffer is a goroutine-safe bytes.Buffer: handlers and background work
// write logs while the test reads them.
type Buffer struct {
	// Limit, when positive, bounds what the buffer keeps to the first
	// Limit bytes written; later writes are dropped but still succeed.
	Limit int

	mu sync.Mutex
	b  bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.Limit <= 0 {
		return b.b.Write(p)
	}
	if room := b.Limit - b.b.Len(); room > 0 {
		b.b.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

var _ io.Writer = (*Buffer)(nil)
