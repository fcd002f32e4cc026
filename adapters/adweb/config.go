package adweb

import (
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// Name is the dialect's configuration key.
const Name = "adweb"

// DefaultPrefix is where AD Web serves its API.
const DefaultPrefix = "/restapi"

// Config is the `dialects.adweb.config` block.
type Config struct {
	// Keys are the API key pairs allowed to call the API.
	Keys []KeyConfig `mapstructure:"keys"`
	// SMTP sends the notifyEmail mails; without a host no mail is sent and
	// answers say so.
	SMTP SMTPConfig `mapstructure:"smtp"`
	// MaxResults bounds the entries of one list answer (getusers,
	// getoumembers, getgroupmembers, getusergroupinfo); past it the call
	// is refused with TOO_MANY_RESULTS. Default 10,000.
	MaxResults int `mapstructure:"maxResults"`
}

// KeyConfig is one API key. The secret is never stored: only its hash (see
// HashSecret and `dirgate apikey create`).
type KeyConfig struct {
	// Name identifies the key in the audit log; the key itself when empty.
	Name string `mapstructure:"name"`
	// Key is the value of the ApiKey header.
	Key string `mapstructure:"key"`
	// SecretHash is "sha256:<hex>" of the ApiSecret header's value.
	SecretHash string `mapstructure:"secretHash"`
	// ReadOnly keys may call only the get… endpoints.
	ReadOnly bool `mapstructure:"readOnly"`
	// Subtrees, when set, are the only parts of the tree the key may read
	// or change.
	Subtrees []string `mapstructure:"subtrees"`
}

func (k KeyConfig) callerName() string {
	if k.Name != "" {
		return "apikey:" + k.Name
	}
	return "apikey:" + k.Key
}

// SMTPConfig is the mail server notifyEmail uses.
type SMTPConfig struct {
	Host string `mapstructure:"host"`
	// Port defaults to 587 (465 with security "tls", 25 with "none").
	Port int `mapstructure:"port"`
	// From is the sender address, e.g. "dirgate <noreply@example.com>".
	From     string `mapstructure:"from"`
	Username string `mapstructure:"username"`
	Password string `mapstructure:"password"`
	// Security is "starttls" (the default: refuse to send when the server
	// does not offer it), "tls" (implicit TLS) or "none" (a local relay).
	Security string `mapstructure:"security"`
	// Timeout bounds one mail's delivery to the server (default 10s).
	Timeout time.Duration `mapstructure:"timeout"`
}

// SMTP security modes.
const (
	securitySTARTTLS = "starttls"
	securityTLS      = "tls"
	securityNone     = "none"
)

// enabled reports whether mails can be sent.
func (s SMTPConfig) enabled() bool { return s.Host != "" }

// withDefaults fills the port, mode and timeout.
func (s SMTPConfig) withDefaults() SMTPConfig {
	s.Security = strings.ToLower(s.Security)
	if s.Security == "" {
		s.Security = securitySTARTTLS
	}
	if s.Port == 0 {
		switch s.Security {
		case securityTLS:
			s.Port = 465
		case securityNone:
			s.Port = 25
		default:
			s.Port = 587
		}
	}
	if s.Timeout <= 0 {
		s.Timeout = 10 * time.Second
	}
	return s
}

// DefaultConfig is the block's defaults: no keys, no mail.
func DefaultConfig() *Config { return &Config{MaxResults: dialect.DefaultMaxResults} }

// DefaultPrefix tells the server where to mount the dialect when the
// configuration does not say.
func (c *Config) DefaultPrefix() string { return DefaultPrefix }

// Validate reports every problem of the block at once.
func (c *Config) Validate() error {
	var errs []error
	if c.MaxResults < 0 {
		errs = append(errs, errors.New("maxResults: must not be negative"))
	}
	seen := map[string]bool{}
	for i, k := range c.Keys {
		at := fmt.Sprintf("keys[%d]", i)
		switch {
		case k.Key == "":
			errs = append(errs, fmt.Errorf("%s.key: required", at))
		case strings.TrimSpace(k.Key) != k.Key || strings.ContainsAny(k.Key, "\r\n\x00"):
			errs = append(errs, fmt.Errorf("%s.key: must not contain spaces or control characters at its ends", at))
		case seen[k.Key]:
			errs = append(errs, fmt.Errorf("%s.key: configured twice", at))
		}
		seen[k.Key] = true
		if _, err := parseHash(k.SecretHash); err != nil {
			errs = append(errs, fmt.Errorf("%s.secretHash: %w", at, err))
		}
		for j, dn := range k.Subtrees {
			if _, err := directory.ParseDN(dn); err != nil {
				errs = append(errs, fmt.Errorf("%s.subtrees[%d]: %q is not a valid DN", at, j, dn))
			}
		}
	}
	errs = append(errs, c.SMTP.validate()...)
	return errors.Join(errs...)
}

func (s SMTPConfig) validate() []error {
	if !s.enabled() {
		return nil
	}
	var errs []error
	s = s.withDefaults()
	switch s.Security {
	case securitySTARTTLS, securityTLS, securityNone:
	default:
		errs = append(errs, fmt.Errorf("smtp.security: %q is not starttls, tls or none", s.Security))
	}
	if s.Port < 1 || s.Port > 65535 {
		errs = append(errs, fmt.Errorf("smtp.port: %d is not a TCP port", s.Port))
	}
	if s.From == "" {
		errs = append(errs, errors.New("smtp.from: required when smtp.host is set"))
	} else if _, err := mail.ParseAddress(s.From); err != nil {
		errs = append(errs, fmt.Errorf("smtp.from: %q is not a mail address", s.From))
	}
	if s.Password != "" && s.Username == "" {
		errs = append(errs, errors.New("smtp.username: required with smtp.password"))
	}
	return errs
}

// Build makes the dialect.
func (c *Config) Build(deps dialect.Deps) (dialect.Dialect, error) {
	if deps.Core == nil {
		return nil, errors.New("adweb: no core service")
	}
	kr, err := newKeyring(c.Keys)
	if err != nil {
		return nil, fmt.Errorf("adweb: %w", err)
	}
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	if len(c.Keys) == 0 {
		log.Warn("no API keys configured: every request will be refused; create one with `dirgate apikey create`")
	}
	return &Dialect{
		core:   deps.Core,
		keys:   kr,
		mailer: newMailer(c.SMTP, log),
		log:    log,
		// 0 is the default: a block written in code need not say it.
		maxResults: dialect.MaxResults(c.MaxResults),
	}, nil
}
