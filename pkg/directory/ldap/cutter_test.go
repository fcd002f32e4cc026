package ldap_test

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
)

// LDAP operation tags (RFC 4511, APPLICATION class) the cutter acts on
// or counts.
const (
	tagSearchRequest ber.Tag = 3
	tagModifyRequest ber.Tag = 6
	tagAddRequest    ber.Tag = 8
)

// cutMode says how the cutter breaks the exchange of the armed operation.
type cutMode int32

const (
	cutOff cutMode = iota
	// cutBeforeServer: the request never reaches the server; its
	// connection breaks.
	cutBeforeServer
	// cutAnswer: the server applies it; the answer is dropped and the
	// connection breaks.
	cutAnswer
	// goneAfterAnswer: the answer arrives, then the server goes away
	// for good: every connection closes and nothing accepts new ones.
	goneAfterAnswer
)

func (m cutMode) String() string {
	return [...]string{"off", "before the server", "answer lost", "gone after answering"}[m]
}

// cutter is a TCP proxy in front of an LDAP server that, once armed,
// breaks the exchange of the next request of one operation, on whichever
// connection carries it. It counts the requests it relays by operation.
type cutter struct {
	ln     net.Listener
	target string
	mode   atomic.Int32
	tag    atomic.Uint64
	cut    atomic.Bool
	// sent counts the requests relayed to the server, by operation tag.
	sent [32]atomic.Int64

	// mu is held for reading around every relayed write, so that once
	// gone is set nothing but the answer that triggered it gets through.
	mu    sync.RWMutex
	conns []net.Conn
	gone  bool
}

func newCutter(t *testing.T, ldapURL string) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	px := &cutter{ln: ln, target: strings.TrimPrefix(ldapURL, "ldap://")}
	var wg sync.WaitGroup
	t.Cleanup(func() { px.goAway(); wg.Wait() })
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { px.serve(client) })
		}
	})
	return px
}

func (px *cutter) url() string { return "ldap://" + px.ln.Addr().String() }

// arm makes the next request with the operation tag meet mode.
func (px *cutter) arm(m cutMode, tag ber.Tag) {
	px.tag.Store(uint64(tag))
	px.mode.Store(int32(m))
}

// requests returns how many requests of the operation were relayed since
// the last reset.
func (px *cutter) requests(tag ber.Tag) int64 { return px.sent[tag].Load() }

// resetCounts starts counting requests again from zero.
func (px *cutter) resetCounts() {
	for i := range px.sent {
		px.sent[i].Store(0)
	}
}

// fired reports whether the armed cut happened.
func (px *cutter) fired() bool { return px.cut.Load() }

// stopRelaying makes every relay drop what it has, and closes the
// listener.
func (px *cutter) stopRelaying() {
	px.mu.Lock()
	defer px.mu.Unlock()
	px.gone = true
	px.ln.Close()
}

// goAway closes the listener and every connection.
func (px *cutter) goAway() {
	px.stopRelaying()
	px.mu.Lock()
	defer px.mu.Unlock()
	for _, c := range px.conns {
		c.Close()
	}
}

// relay writes p to w unless the server has gone.
func (px *cutter) relay(w net.Conn, p *ber.Packet) error {
	px.mu.RLock()
	defer px.mu.RUnlock()
	if px.gone {
		return net.ErrClosed
	}
	_, err := w.Write(p.Bytes())
	return err
}

func (px *cutter) track(cs ...net.Conn) bool {
	px.mu.Lock()
	defer px.mu.Unlock()
	px.conns = append(px.conns, cs...)
	return !px.gone
}

func isOp(p *ber.Packet, tag ber.Tag) bool {
	return len(p.Children) > 1 && p.Children[1].ClassType == ber.ClassApplication && p.Children[1].Tag == tag
}

func messageID(p *ber.Packet) int64 {
	if len(p.Children) == 0 {
		return 0
	}
	id, _ := p.Children[0].Value.(int64)
	return id
}

// serve relays one connection packet by packet, both ways.
func (px *cutter) serve(client net.Conn) {
	server, err := net.Dial("tcp", px.target)
	if err != nil {
		client.Close()
		return
	}
	closeBoth := func() { client.Close(); server.Close() }
	if !px.track(client, server) {
		closeBoth()
		return
	}
	// answer is the message id, on this connection, whose answer
	// triggers the cut (cutAnswer, goneAfterAnswer); 0 none. when is the
	// mode it triggers.
	var answer atomic.Int64
	var when atomic.Int32
	// The server's side is relayed by a goroutine of its own, which serve
	// waits for, so that nothing of a cutter outlives its test.
	serverSide := make(chan struct{})
	defer func() { closeBoth(); <-serverSide }()
	go func() {
		defer close(serverSide)
		defer closeBoth()
		for {
			p, err := ber.ReadPacket(server)
			if err != nil {
				return
			}
			id := messageID(p)
			triggered := id != 0 && answer.CompareAndSwap(id, 0)
			switch {
			case triggered && cutMode(when.Load()) == cutAnswer:
				px.cut.Store(true)
				return
			case triggered: // goneAfterAnswer: this answer is the last
				px.stopRelaying()
				// Marked before the answer goes out: the client may
				// finish its whole call (and the test ask fired) while
				// this goroutine still waits to run after the write.
				px.cut.Store(true)
				_, _ = client.Write(p.Bytes())
				px.goAway()
				return
			}
			if err := px.relay(client, p); err != nil {
				return
			}
		}
	}()
	for {
		p, err := ber.ReadPacket(client)
		if err != nil {
			return
		}
		if isOp(p, ber.Tag(px.tag.Load())) {
			switch m := cutMode(px.mode.Swap(int32(cutOff))); m {
			case cutBeforeServer:
				px.cut.Store(true)
				return
			case cutAnswer, goneAfterAnswer:
				when.Store(int32(m))
				answer.Store(messageID(p))
			}
		}
		// Counted before it goes: the answer may reach the client first.
		if len(p.Children) > 1 && p.Children[1].ClassType == ber.ClassApplication && int(p.Children[1].Tag) < len(px.sent) {
			px.sent[p.Children[1].Tag].Add(1)
		}
		if err := px.relay(server, p); err != nil {
			return
		}
	}
}
