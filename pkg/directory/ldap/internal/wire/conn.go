package wire

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

// Conn is one connection of the read client. It answers Search as
// go-ldap's Conn does, and IsClosing and Close likewise; Stale is its own
// (see there). Its zero value is not usable: New makes one.
type Conn struct {
	mu     sync.Mutex // one request at a time
	nc     net.Conn   // the connection spoken on: raw, or TLS over it
	raw    net.Conn   // the socket, watched for the server going away
	r      *bufio.Reader
	lastID int64
	buf    []byte // the request being written, reused
	closed atomic.Bool
}

// New speaks LDAP on nc, which is raw or TLS over raw; raw is the socket
// Stale peeks at.
func New(nc, raw net.Conn) *Conn {
	return &Conn{nc: nc, raw: raw, r: bufio.NewReaderSize(nc, 16<<10)}
}

// IsClosing reports whether the connection is known to be unusable: it
// failed or was closed. It costs nothing; Stale looks at the socket.
func (w *Conn) IsClosing() bool { return w.closed.Load() }

// Stale reports whether the server closed the connection, or sent
// something unasked (a notice of disconnection), while it sat idle, and
// closes it then. go-ldap learns that from its reader goroutine; this
// client, which reads only while a request is out, peeks at the socket
// (a system call), which the pool does when it hands a connection out.
func (w *Conn) Stale() bool {
	if w.closed.Load() {
		return true
	}
	if w.r.Buffered() > 0 || !socketQuiet(w.raw) {
		_ = w.Close()
		return true
	}
	return false
}

// Close closes the connection; it sends no unbind, as the server needs none.
func (w *Conn) Close() error {
	w.closed.Store(true)
	return w.nc.Close()
}

// broken closes the connection after an I/O or protocol failure, after
// which its state is unknown, and returns the failure as go-ldap reports
// a network error.
func (w *Conn) broken(err error) error {
	_ = w.Close()
	return ldap.NewError(ldap.ErrorNetwork, err)
}

var errClosed = errors.New("ldap: connection closed")

// send writes one LDAPMessage: the operation appended by op, then the
// controls. It returns the message id.
func (w *Conn) send(op func([]byte) []byte, controls []ldap.Control) (int64, error) {
	if w.closed.Load() {
		return 0, ldap.NewError(ldap.ErrorNetwork, errClosed)
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

// response is one LDAPMessage read for a request.
type response struct {
	op       byte   // the protocolOp's tag
	val      []byte // the protocolOp's value
	controls []byte // the value of the controls element, if any
	msg      []byte // the message's content, for go-ldap's decoders
}

// receive reads the next message, which must answer id.
func (w *Conn) receive(id int64) (response, error) {
	var r response
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
		return r, w.broken(fmt.Errorf("the server ended the connection: %v", resultErr(r)))
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

// resultErr returns the error of an LDAPResult (nil for success): go-ldap's
// own, decoded from the whole message, so result codes, matched DNs and
// referrals read as they do from go-ldap.
func resultErr(r response) error {
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

// Bind authenticates with a simple bind.
func (w *Conn) Bind(dn, password string) error {
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
func (w *Conn) exchange(what string, want byte, op func([]byte) []byte) error {
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
	return resultErr(r)
}

// oidStartTLS is the StartTLS extended operation (RFC 4511 §4.14).
const oidStartTLS = "1.3.6.1.4.1.1466.20037"

// StartTLS upgrades the connection to TLS.
func (w *Conn) StartTLS(ctx context.Context, tc *tls.Config) error {
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
