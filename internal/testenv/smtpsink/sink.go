// Package smtpsink is a minimal SMTP server on loopback for tests: it
// accepts every mail (or refuses every recipient, on demand) and keeps it,
// so a test can read what dirgate sent. It offers no extensions, so a
// client that insists on STARTTLS or AUTH fails against it.
package smtpsink

import (
	"bufio"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// Sink is one listening server; it stops when the test ends.
type Sink struct {
	ln     net.Listener
	mu     sync.Mutex
	mails  []Mail
	refuse bool
}

// Mail is one delivered message: the envelope's addresses as the client
// sent them (with their angle brackets) and the DATA, dot line left out.
type Mail struct {
	From, To string
	Data     string
}

// New starts a sink on a free loopback port.
func New(tb testing.TB) *Sink {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Sink{ln: ln}
	tb.Cleanup(func() { _ = ln.Close() })
	go s.serve()
	return s
}

// Port is the port the sink listens on, at 127.0.0.1.
func (s *Sink) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// Refuse makes the sink answer every RCPT with 550 (on) or accept it
// again (off).
func (s *Sink) Refuse(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = on
}

// Received returns every mail delivered so far.
func (s *Sink) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// To returns the mails delivered to addr.
func (s *Sink) To(addr string) []Mail {
	var out []Mail
	for _, m := range s.Received() {
		if m.To == "<"+addr+">" {
			out = append(out, m)
		}
	}
	return out
}

func (s *Sink) serve() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(conn)
	}
}

func (s *Sink) session(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	say := func(line string) { _, _ = conn.Write([]byte(line + "\r\n")) }
	say("220 sink ESMTP")
	var m Mail
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			m = Mail{From: strings.TrimSpace(line[10:])}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			s.mu.Lock()
			refuse := s.refuse
			s.mu.Unlock()
			if refuse {
				say("550 no such mailbox")
				continue
			}
			m.To = strings.TrimSpace(line[8:])
			say("250 ok")
		case cmd == "DATA":
			say("354 go on")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			m.Data = b.String()
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			m = Mail{}
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}
