package console

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The session lives in its cookie, not in the process: dirgate keeps no
// state besides the directory, so any replica with the same secret reads
// it. The cookie is signed (HMAC-SHA-256), expires, and names the account
// by its stable id; the account is read again on every request, so a
// session dies with its account's admin rights, as the dialects' tokens
// do (docs/security.md).

// CookieName is the session cookie's name.
const CookieName = "dirgate_console"

// errSession is every reason a cookie is not a session; the reason goes
// to the debug log only.
var errSession = errors.New("no valid console session")

// claims are what the cookie carries.
type claims struct {
	// Domain and ID name the account: its domain and stable id
	// (entryUUID, objectGUID, the embedded id).
	Domain string `json:"dom"`
	ID     string `json:"sub"`
	// Name is the username at login, for display and the audit's actor.
	Name    string `json:"name"`
	Expires int64  `json:"exp"`
	// Nonce makes each login's CSRF token its own.
	Nonce string `json:"n"`
}

// sessions signs and checks session cookies and CSRF tokens.
type sessions struct {
	key      []byte
	lifetime time.Duration
	now      func() time.Time
}

func newSessions(secret string, lifetime time.Duration) *sessions {
	// A key of its own: the same secret never signs two kinds of thing.
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("dirgate console session v1"))
	return &sessions{key: m.Sum(nil), lifetime: lifetime, now: time.Now}
}

func (s *sessions) mac(parts ...string) []byte {
	m := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		m.Write([]byte(p))
		m.Write([]byte{0})
	}
	return m.Sum(nil)
}

var b64 = base64.RawURLEncoding

// issue returns a cookie value for the account.
func (s *sessions) issue(domain, id, name string) (string, claims, error) {
	nonce := make([]byte, 16)
	_, _ = rand.Read(nonce) // crypto/rand.Read never fails on supported platforms
	c := claims{Domain: domain, ID: id, Name: name, Expires: s.now().Add(s.lifetime).Unix(), Nonce: b64.EncodeToString(nonce)}
	payload, err := json.Marshal(c)
	if err != nil {
		return "", claims{}, fmt.Errorf("console session: %w", err)
	}
	p := b64.EncodeToString(payload)
	return p + "." + b64.EncodeToString(s.mac("session", p)), c, nil
}

// verify checks a cookie value's signature and expiry.
func (s *sessions) verify(value string) (claims, error) {
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return claims{}, fmt.Errorf("%w: malformed", errSession)
	}
	got, err := b64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac("session", p)) {
		return claims{}, fmt.Errorf("%w: bad signature", errSession)
	}
	payload, err := b64.DecodeString(p)
	if err != nil {
		return claims{}, fmt.Errorf("%w: malformed", errSession)
	}
	var c claims
	if err := json.Unmarshal(payload, &c); err != nil || c.ID == "" || c.Nonce == "" {
		return claims{}, fmt.Errorf("%w: malformed", errSession)
	}
	if !s.now().Before(time.Unix(c.Expires, 0)) {
		return claims{}, fmt.Errorf("%w: expired", errSession)
	}
	return c, nil
}

// csrf is the session's CSRF token: every POST carries it in a form field
// or header, which a cross-site page cannot read.
func (s *sessions) csrf(c claims) string {
	return b64.EncodeToString(s.mac("csrf", c.Domain, c.ID, c.Nonce))
}

func (s *sessions) checkCSRF(c claims, token string) bool {
	got, err := b64.DecodeString(token)
	return err == nil && hmac.Equal(got, s.mac("csrf", c.Domain, c.ID, c.Nonce))
}

// SignSession returns the value of a session cookie for the account
// (domain, stable id, name) that expires at expires, signed with secret:
// what a login sets. It exists for tests and tools that must hold a
// session without a password (the auth matrix forges sessions of
// non-admins and expired ones with it); the server still checks the
// account at every request.
func SignSession(secret, domain, id, name string, expires time.Time) (string, error) {
	s := newSessions(secret, time.Until(expires))
	value, _, err := s.issue(domain, id, name)
	return value, err
}
