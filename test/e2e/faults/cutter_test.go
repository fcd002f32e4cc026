package faults

import (
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// cutter is a TCP proxy in front of slapd for one dirgate process: Cut
// closes every connection through it and refuses new ones (accepted, then
// closed at once, as a firewall resetting them would) until Mend, so one
// replica loses the directory while the others keep it.
type cutter struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	conns map[net.Conn]struct{}
	cut   bool
}

// startCutter listens on a free loopback port and forwards to target
// (host:port) until the test ends.
func startCutter(t *testing.T, target string) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	go c.serve()
	t.Cleanup(func() {
		ln.Close()
		c.Cut()
	})
	return c
}

// URL is the ldap:// URL dirgate dials instead of slapd's.
func (c *cutter) URL() string { return "ldap://" + c.ln.Addr().String() }

func (c *cutter) serve() {
	for {
		in, err := c.ln.Accept()
		if err != nil {
			return
		}
		go c.forward(in)
	}
}

func (c *cutter) forward(in net.Conn) {
	if !c.track(in) {
		in.Close()
		return
	}
	out, err := net.DialTimeout("tcp", c.target, time.Second)
	if err != nil || !c.track(out) {
		if out != nil {
			out.Close()
		}
		c.drop(in)
		return
	}
	var wg sync.WaitGroup
	pipe := func(dst, src net.Conn) {
		defer wg.Done()
		_, _ = io.Copy(dst, src)
		// One side ended: end the other, as a cut connection does.
		c.drop(dst)
		c.drop(src)
	}
	wg.Add(2)
	go pipe(out, in)
	go pipe(in, out)
	wg.Wait()
}

// track registers a connection; false while cut.
func (c *cutter) track(conn net.Conn) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cut {
		return false
	}
	c.conns[conn] = struct{}{}
	return true
}

func (c *cutter) drop(conn net.Conn) {
	c.mu.Lock()
	delete(c.conns, conn)
	c.mu.Unlock()
	conn.Close()
}

// Cut closes every connection and refuses new ones until Mend.
func (c *cutter) Cut() {
	c.mu.Lock()
	c.cut = true
	conns := c.conns
	c.conns = map[net.Conn]struct{}{}
	c.mu.Unlock()
	for conn := range conns {
		conn.Close()
	}
}

// Mend lets connections through again.
func (c *cutter) Mend() {
	c.mu.Lock()
	c.cut = false
	c.mu.Unlock()
}
