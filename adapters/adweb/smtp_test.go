package adweb

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpSink is a minimal SMTP server on loopback that accepts every mail and
// keeps it, so tests can read what dirgate sent.
type smtpSink struct {
	ln     net.Listener
	mu     sync.Mutex
	mails  []sunkMail
	refuse bool // answer RCPT with 550
}

type sunkMail struct {
	from, to string
	data     string
}

func newSMTPSink(t *testing.T) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { _ = ln.Close() })
	go s.serve()
	return s
}

func (s *smtpSink) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpSink) config() SMTPConfig {
	return SMTPConfig{Host: "127.0.0.1", Port: s.port(), From: "dirgate <noreply@dart.org>", Security: securityNone, Timeout: 5 * time.Second}
}

func (s *smtpSink) received() []sunkMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]sunkMail(nil), s.mails...)
}

func (s *smtpSink) serve() {
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.session(conn)
	}
}

func (s *smtpSink) session(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	say := func(line string) { _, _ = conn.Write([]byte(line + "\r\n")) }
	say("220 sink ESMTP")
	var m sunkMail
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
			m = sunkMail{from: strings.TrimSpace(line[10:])}
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			s.mu.Lock()
			refuse := s.refuse
			s.mu.Unlock()
			if refuse {
				say("550 no such mailbox")
				continue
			}
			m.to = strings.TrimSpace(line[8:])
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
			m.data = b.String()
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestMailerSendsAWellFormedMail(t *testing.T) {
	sink := newSMTPSink(t)
	m := newMailer(sink.config(), slog.Default())
	err := m.send(context.Background(), resetNotice("micheal@dart.org", "Micheal", "Tmp#Pass2word99"))
	if err != nil {
		t.Fatal(err)
	}
	mails := sink.received()
	if len(mails) != 1 {
		t.Fatalf("got %d mails", len(mails))
	}
	got := mails[0]
	if got.from != "<noreply@dart.org>" || got.to != "<micheal@dart.org>" {
		t.Errorf("envelope from %s to %s", got.from, got.to)
	}
	for _, want := range []string{"Subject: Your password has been reset\r\n", "To: <micheal@dart.org>\r\n",
		"Hello Micheal,\r\n", "Temporary password: Tmp#Pass2word99\r\n", "Content-Type: text/plain; charset=utf-8\r\n"} {
		if !strings.Contains(got.data, want) {
			t.Errorf("mail lacks %q:\n%s", want, got.data)
		}
	}
}

func TestMailerSaysWhyItDidNotSend(t *testing.T) {
	off := newMailer(SMTPConfig{}, slog.Default())
	if err := off.send(context.Background(), enabledNotice("a@b.c", "")); !errors.Is(err, errNoSMTP) {
		t.Errorf("without SMTP: %v", err)
	}
	sink := newSMTPSink(t)
	m := newMailer(sink.config(), slog.Default())
	for _, to := range []string{"", "not an address", "a@b.c\r\nBcc: x@y.z"} {
		if err := m.send(context.Background(), enabledNotice(to, "")); !errors.Is(err, errNoAddress) {
			t.Errorf("to %q: %v", to, err)
		}
	}
	sink.mu.Lock()
	sink.refuse = true
	sink.mu.Unlock()
	if err := m.send(context.Background(), enabledNotice("a@b.c", "")); err == nil || errors.Is(err, errNoAddress) {
		t.Errorf("refused recipient: %v", err)
	}
	starttls := sink.config()
	starttls.Security = securitySTARTTLS
	if err := newMailer(starttls, slog.Default()).send(context.Background(), enabledNotice("a@b.c", "")); err == nil ||
		!strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("a server without STARTTLS in starttls mode: %v", err)
	}
	if len(sink.received()) != 0 {
		t.Errorf("mails were delivered: %v", sink.received())
	}
}
