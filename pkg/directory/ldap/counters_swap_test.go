package ldap_test

import (
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestAllocateIDSwapConnectionBreaks: when the connection carrying the
// counter's compare-and-swap breaks — before the server saw it, or after
// it applied it with the answer lost — the allocation reads the counter
// again on a fresh connection and succeeds, never handing a number out
// twice.
func TestAllocateIDSwapConnectionBreaks(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	for i, mode := range []cutMode{cutBeforeServer, cutAnswer} {
		t.Run(mode.String(), func(t *testing.T) {
			px := newCutter(t, srv.URL)
			c := config(srv, slapd.GroupOfNames)
			c.URLs = []string{px.url()}
			d := open(t, c)
			r := directory.Range{Min: 40000 + int64(i)*1000, Max: 40999 + int64(i)*1000}
			first, err := d.AllocateID(t.Context(), directory.UIDSequence, r)
			if err != nil {
				t.Fatal(err)
			}
			px.arm(mode)
			second, err := d.AllocateID(t.Context(), directory.UIDSequence, r)
			if err != nil {
				t.Fatalf("AllocateID with the swap's connection broken: %v", err)
			}
			if !px.fired() {
				t.Fatal("no modify request went through the proxy")
			}
			third, err := d.AllocateID(t.Context(), directory.UIDSequence, r)
			if err != nil {
				t.Fatal(err)
			}
			if !(first < second && second < third) {
				t.Errorf("numbers %d, %d, %d: want strictly increasing", first, second, third)
			}
			t.Logf("numbers %d, %d, %d", first, second, third)
		})
	}
}

// cutMode says where the cutter breaks the connection of a modify.
type cutMode int32

const (
	cutOff cutMode = iota
	// cutBeforeServer: the request never reaches the server.
	cutBeforeServer
	// cutAnswer: the server applies it; its answer is dropped.
	cutAnswer
)

func (m cutMode) String() string {
	return [...]string{"off", "before the server", "answer lost"}[m]
}

// cutter is a TCP proxy in front of an LDAP server that, once armed,
// breaks the connection carrying the next modify request.
type cutter struct {
	ln      net.Listener
	target  string
	mode    atomic.Int32
	cut     atomic.Bool
	swallow atomic.Int64 // message id whose answer is dropped (cutAnswer); 0 none
}

func newCutter(t *testing.T, ldapURL string) *cutter {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	px := &cutter{ln: ln, target: strings.TrimPrefix(ldapURL, "ldap://")}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
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

func (px *cutter) url() string   { return "ldap://" + px.ln.Addr().String() }
func (px *cutter) arm(m cutMode) { px.mode.Store(int32(m)) }
func (px *cutter) fired() bool   { return px.cut.Load() }
func isOp(p *ber.Packet, tag ber.Tag) bool {
	return len(p.Children) > 1 && p.Children[1].ClassType == ber.ClassApplication && p.Children[1].Tag == tag
}

// serve relays one connection packet by packet, both ways.
func (px *cutter) serve(client net.Conn) {
	server, err := net.Dial("tcp", px.target)
	if err != nil {
		client.Close()
		return
	}
	closeBoth := func() { client.Close(); server.Close() }
	defer closeBoth()
	go func() {
		defer closeBoth()
		for {
			p, err := ber.ReadPacket(server)
			if err != nil {
				return
			}
			if id, ok := p.Children[0].Value.(int64); ok && id != 0 && px.swallow.CompareAndSwap(id, 0) {
				px.cut.Store(true)
				return
			}
			if _, err := client.Write(p.Bytes()); err != nil {
				return
			}
		}
	}()
	for {
		p, err := ber.ReadPacket(client)
		if err != nil {
			return
		}
		if isOp(p, ber.Tag(6)) { // ModifyRequest
			switch cutMode(px.mode.Swap(int32(cutOff))) {
			case cutBeforeServer:
				px.cut.Store(true)
				return
			case cutAnswer:
				id, _ := p.Children[0].Value.(int64)
				px.swallow.Store(id)
			}
		}
		if _, err := server.Write(p.Bytes()); err != nil {
			return
		}
	}
}
