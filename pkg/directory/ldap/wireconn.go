package ldap

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// wireConn is a connection of the read pool: it binds, and then only
// searches, one request at a time on the caller's goroutine, encoding the
// request into one reused buffer and decoding each answer from one read of
// the message. A search through go-ldap costs two goroutine hand-offs and
// a tree of BER packets per message, about half of dirgate's CPU for a
// request that reads one user (test/load); this path does the same work
// with a few allocations per entry. Anything but a plain success (an LDAP
// error, a control) is handed to go-ldap's own decoders, so errors and
// controls are exactly what the rest of the backend gets from go-ldap.
type wireConn struct {
	mu     sync.Mutex // one request at a time
	nc     net.Conn   // the connection spoken on: raw, or TLS over it
	raw    net.Conn   // the socket, watched for the server going away
	r      *bufio.Reader
	lastID int64
	buf    []byte // the request being written, reused
	closed atomic.Bool
}

func newWireConn(nc, raw net.Conn) *wireConn {
	return &wireConn{nc: nc, raw: raw, r: bufio.NewReaderSize(nc, 16<<10)}
}

// IsClosing reports whether the connection is known to be unusable: it
// failed or was closed. It costs nothing; stale looks at the socket.
func (w *wireConn) IsClosing() bool { return w.closed.Load() }

// stale reports whether the server closed the connection, or sent
// something unasked (a notice of disconnection), while it sat idle, and
// closes it then. go-ldap learns that from its reader goroutine; this
// client, which reads only while a request is out, peeks at the socket
// (a system call), which the pool does when it hands a connection out.
func (w *wireConn) stale() bool {
	if w.closed.Load() {
		return true
	}
	if w.r.Buffered() > 0 || !socketQuiet(w.raw) {
		w.close()
		return true
	}
	return false
}

func (w *wireConn) close() {
	w.closed.Store(true)
	_ = w.nc.Close()
}

// broken closes the connection after an I/O or protocol failure, after
// which its state is unknown, and returns the failure as go-ldap reports
// a network error.
func (w *wireConn) broken(err error) error {
	w.close()
	return ldap.NewError(ldap.ErrorNetwork, err)
}

var errWireClosed = errors.New("ldap: connection closed")

// send writes one LDAPMessage: the operation appended by op, then the
// controls. It returns the message id.
func (w *wireConn) send(op func([]byte) []byte, controls []ldap.Control) (int64, error) {
	if w.closed.Load() {
		return 0, ldap.NewError(ldap.ErrorNetwork, errWireClosed)
	}
	w.lastID++
	if w.lastID > 1<<31-1 {
		w.lastID = 1
	}
	b, msg := berOpen(w.buf[:0], berSequence)
	b = berAppendInt(b, berInteger, w.lastID)
	b = op(b)
	if len(controls) > 0 {
		var ctl int
		b, ctl = berOpen(b, berControls)
		for _, c := range controls {
			b = append(b, c.Encode().Bytes()...)
		}
		b = berClose(b, ctl)
	}
	b = berClose(b, msg)
	if cap(b) <= 64<<10 {
		w.buf = b // keep small buffers; let a huge one go
	}
	if _, err := w.nc.Write(b); err != nil {
		return 0, w.broken(err)
	}
	return w.lastID, nil
}

// wireResponse is one LDAPMessage read for a request.
type wireResponse struct {
	op       byte   // the protocolOp's tag
	val      []byte // the protocolOp's value
	controls []byte // the value of the controls element, if any
	msg      []byte // the message's content, for go-ldap's decoders
}

// receive reads the next message, which must answer id.
func (w *wireConn) receive(id int64) (wireResponse, error) {
	var r wireResponse
	tag, err := w.r.ReadByte()
	if err != nil {
		return r, w.broken(err)
	}
	if tag != berSequence {
		return r, w.broken(fmt.Errorf("%w: message tag %#x", errBER, tag))
	}
	var head [5]byte
	if head[0], err = w.r.ReadByte(); err != nil {
		return r, w.broken(err)
	}
	if k := int(head[0] & 0x7f); head[0] >= 0x80 && k <= 4 {
		if _, err := io.ReadFull(w.r, head[1:1+k]); err != nil {
			return r, w.broken(err)
		}
	}
	n, _, err := berParseLength(head[:])
	if err != nil {
		return r, w.broken(err)
	}
	r.msg = make([]byte, n)
	if _, err := io.ReadFull(w.r, r.msg); err != nil {
		return r, w.broken(err)
	}
	idv, rest, err := berExpect(r.msg, berInteger)
	if err != nil {
		return r, w.broken(err)
	}
	got, err := berParseInt(idv)
	if err != nil {
		return r, w.broken(err)
	}
	if r.op, r.val, rest, err = berParse(rest); err != nil {
		return r, w.broken(err)
	}
	if got == 0 {
		// An unsolicited notification: the server is closing the
		// connection (RFC 4511 §4.4.1).
		return r, w.broken(fmt.Errorf("the server ended the connection: %v", wireResultErr(r)))
	}
	if got != id {
		return r, w.broken(fmt.Errorf("answer to message %d, want %d", got, id))
	}
	if len(rest) > 0 {
		if r.controls, _, err = berExpect(rest, berControls); err != nil {
			return r, w.broken(err)
		}
	}
	return r, nil
}

// wireResultErr returns the error of an LDAPResult (nil for success): go-ldap's
// own, decoded from the whole message, so result codes, matched DNs and
// referrals read as they do from go-ldap.
func wireResultErr(r wireResponse) error {
	codev, _, err := berExpect(r.val, berEnumerated)
	if err != nil {
		return ldap.NewError(ldap.ErrorNetwork, fmt.Errorf("malformed LDAP result: %w", err))
	}
	if code, err := berParseInt(codev); err == nil && code == 0 {
		return nil
	}
	whole := append(berAppendLength([]byte{berSequence}, len(r.msg)), r.msg...)
	p, err := ber.DecodePacketErr(whole)
	if err != nil {
		return ldap.NewError(ldap.ErrorNetwork, fmt.Errorf("malformed LDAP result: %w", err))
	}
	return ldap.GetLDAPError(p)
}

// bind authenticates with a simple bind.
func (w *wireConn) bind(dn, password string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.exchange("bind", berBindResponse, func(b []byte) []byte {
		b, s := berOpen(b, berBindRequest)
		b = berAppendInt(b, berInteger, 3)
		b = berAppendString(b, berOctetString, dn)
		b = berAppendString(b, berSimpleAuth, password)
		return berClose(b, s)
	})
}

// exchange sends one request without controls and reads its one answer,
// which must be of kind want: its result, or the error it carries. The
// caller holds w.mu.
func (w *wireConn) exchange(what string, want byte, op func([]byte) []byte) error {
	id, err := w.send(op, nil)
	if err != nil {
		return err
	}
	r, err := w.receive(id)
	if err != nil {
		return err
	}
	if r.op != want {
		return w.broken(fmt.Errorf("%w: %s answered with %#x", errBER, what, r.op))
	}
	return wireResultErr(r)
}

// oidStartTLS is the StartTLS extended operation (RFC 4511 §4.14).
const oidStartTLS = "1.3.6.1.4.1.1466.20037"

// startTLS upgrades the connection to TLS.
func (w *wireConn) startTLS(ctx context.Context, tc *tls.Config) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	err := w.exchange("StartTLS", berExtendedResp, func(b []byte) []byte {
		b, s := berOpen(b, berExtendedRequest)
		b = berAppendString(b, berExtendedName, oidStartTLS)
		return berClose(b, s)
	})
	if err != nil {
		return err
	}
	if w.r.Buffered() > 0 {
		return w.broken(errors.New("data after the StartTLS response"))
	}
	tlsConn := tls.Client(w.nc, tc)
	if err := tlsConn.HandshakeContext(ctx); err != nil {
		return w.broken(fmt.Errorf("TLS handshake: %w", err))
	}
	w.nc = tlsConn
	w.r.Reset(tlsConn)
	return nil
}

// Search runs a search on whichever client the connection speaks.
func (c *conn) Search(req *ldap.SearchRequest) (*ldap.SearchResult, error) {
	if c.wire != nil {
		return c.wire.Search(req)
	}
	return c.Conn.Search(req)
}

// alive reports whether an idle connection is still usable.
func (c *conn) alive() bool {
	if c.wire != nil {
		return !c.wire.stale()
	}
	return !c.Conn.IsClosing()
}

// IsClosing reports whether the connection is known to be unusable.
func (c *conn) IsClosing() bool {
	if c.wire != nil {
		return c.wire.IsClosing()
	}
	return c.Conn.IsClosing()
}
