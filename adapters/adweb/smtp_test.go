package adweb

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/smtpsink"
)

// sinkConfig points the mailer at a sink, without TLS.
func sinkConfig(s *smtpsink.Sink) SMTPConfig {
	return SMTPConfig{Host: "127.0.0.1", Port: s.Port(), From: "dirgate <noreply@dart.org>", Security: securityNone, Timeout: 5 * time.Second}
}

func TestMailerSendsAWellFormedMail(t *testing.T) {
	sink := smtpsink.New(t)
	m := newMailer(sinkConfig(sink), slog.Default())
	err := m.send(context.Background(), resetNotice("micheal@dart.org", "Micheal", "Tmp#Pass2word99"))
	if err != nil {
		t.Fatal(err)
	}
	mails := sink.Received()
	if len(mails) != 1 {
		t.Fatalf("got %d mails", len(mails))
	}
	got := mails[0]
	if got.From != "<noreply@dart.org>" || got.To != "<micheal@dart.org>" {
		t.Errorf("envelope from %s to %s", got.From, got.To)
	}
	for _, want := range []string{"Subject: Your password has been reset\r\n", "To: <micheal@dart.org>\r\n",
		"Hello Micheal,\r\n", "Temporary password: Tmp#Pass2word99\r\n", "Content-Type: text/plain; charset=utf-8\r\n"} {
		if !strings.Contains(got.Data, want) {
			t.Errorf("mail lacks %q:\n%s", want, got.Data)
		}
	}
}

func TestMailerSaysWhyItDidNotSend(t *testing.T) {
	off := newMailer(SMTPConfig{}, slog.Default())
	if err := off.send(context.Background(), enabledNotice("a@b.c", "")); !errors.Is(err, errNoSMTP) {
		t.Errorf("without SMTP: %v", err)
	}
	sink := smtpsink.New(t)
	m := newMailer(sinkConfig(sink), slog.Default())
	for _, to := range []string{"", "not an address", "a@b.c\r\nBcc: x@y.z"} {
		if err := m.send(context.Background(), enabledNotice(to, "")); !errors.Is(err, errNoAddress) {
			t.Errorf("to %q: %v", to, err)
		}
	}
	sink.Refuse(true)
	if err := m.send(context.Background(), enabledNotice("a@b.c", "")); err == nil || errors.Is(err, errNoAddress) {
		t.Errorf("refused recipient: %v", err)
	}
	starttls := sinkConfig(sink)
	starttls.Security = securitySTARTTLS
	if err := newMailer(starttls, slog.Default()).send(context.Background(), enabledNotice("a@b.c", "")); err == nil ||
		!strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("a server without STARTTLS in starttls mode: %v", err)
	}
	if len(sink.Received()) != 0 {
		t.Errorf("mails were delivered: %v", sink.Received())
	}
}
