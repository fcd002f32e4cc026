package adweb

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// mailer sends the notifyEmail mails through the configured SMTP server.
type mailer struct {
	cfg SMTPConfig
	log *slog.Logger
}

func newMailer(cfg SMTPConfig, log *slog.Logger) *mailer {
	return &mailer{cfg: cfg.withDefaults(), log: log}
}

var (
	errNoSMTP    = errors.New("no SMTP server is configured")
	errNoAddress = errors.New("the user has no valid mail address")
)

// notice is one mail to a user.
type notice struct {
	to      string
	name    string
	subject string
	body    string
}

// send delivers a notice; the error says why it was not sent. The body may
// hold a new password, so neither it nor the message is ever logged.
func (m *mailer) send(ctx context.Context, n notice) error {
	if !m.cfg.enabled() {
		return errNoSMTP
	}
	to, err := mail.ParseAddress(n.to)
	if err != nil || n.to == "" {
		return errNoAddress
	}
	from, err := mail.ParseAddress(m.cfg.From)
	if err != nil {
		return fmt.Errorf("smtp.from: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	return m.deliver(ctx, from, to, compose(from, to, n))
}

func (m *mailer) deliver(ctx context.Context, from, to *mail.Address, msg []byte) error {
	addr := net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", addr, err)
	}
	defer conn.Close()
	// net/smtp takes no context: the deadline bounds every exchange, and
	// closing the connection on cancellation ends a stuck one.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()

	tlsConfig := &tls.Config{ServerName: m.cfg.Host, MinVersion: tls.VersionTLS12}
	if m.cfg.Security == securityTLS {
		conn = tls.Client(conn, tlsConfig)
	}
	c, err := smtp.NewClient(conn, m.cfg.Host)
	if err != nil {
		return fmt.Errorf("smtp greeting from %s: %w", addr, err)
	}
	defer c.Close()
	if m.cfg.Security == securitySTARTTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return fmt.Errorf("%s does not offer STARTTLS (set smtp.security: none for a local relay)", addr)
		}
		if err := c.StartTLS(tlsConfig); err != nil {
			return fmt.Errorf("starttls with %s: %w", addr, err)
		}
	}
	if m.cfg.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, m.cfg.Host)); err != nil {
			return fmt.Errorf("smtp authentication: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("smtp MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to.Address); err != nil {
		return fmt.Errorf("smtp RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp DATA: %w", err)
	}
	return c.Quit()
}

// compose builds the message. Addresses come out of net/mail (no CR or LF
// can reach a header); the subject is one of ours.
func compose(from, to *mail.Address, n notice) []byte {
	id := make([]byte, 12)
	_, _ = rand.Read(id)
	domain := "dirgate.invalid"
	if at := strings.LastIndexByte(from.Address, '@'); at >= 0 {
		domain = from.Address[at+1:]
	}
	var b strings.Builder
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", from.String())
	header("To", to.String())
	header("Subject", n.subject)
	header("Date", time.Now().Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(id)+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	b.WriteString("\r\n")
	for line := range strings.SplitSeq(n.body, "\n") {
		b.WriteString(line + "\r\n")
	}
	return []byte(b.String())
}

// Notices of the endpoints that offer notifyEmail.

func greeting(name string) string {
	if name == "" {
		return "Hello,"
	}
	return "Hello " + name + ","
}

func enabledNotice(to, name string) notice {
	return notice{to: to, name: name, subject: "Your account has been enabled",
		body: greeting(name) + "\n\nyour account has been enabled: you can sign in again.\n"}
}

func disabledNotice(to, name string) notice {
	return notice{to: to, name: name, subject: "Your account has been disabled",
		body: greeting(name) + "\n\nyour account has been disabled by an administrator.\n"}
}

func unlockedNotice(to, name string) notice {
	return notice{to: to, name: name, subject: "Your account has been unlocked",
		body: greeting(name) + "\n\nyour account has been unlocked: you can sign in again.\n"}
}

func resetNotice(to, name, password string) notice {
	return notice{to: to, name: name, subject: "Your password has been reset",
		body: greeting(name) + "\n\nyour password has been reset by an administrator.\n\n" +
			"Temporary password: " + password + "\n\n" +
			"You must choose a new password when you next sign in.\n"}
}
