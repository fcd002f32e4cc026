package ldap

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Config is the `config:` block of a domain whose backend type is "ldap".
// NewConfig returns it with its defaults; the configuration package decodes
// the block over it (mapstructure tags), calls Validate, then Open.
type Config struct {
	// URLs are the servers, tried in order: the first that answers serves,
	// the others take over when it goes away (ldap://, ldaps://, ldapi://).
	URLs []string `mapstructure:"urls"`
	// BindDN and BindPassword are the service account dirgate binds as.
	// BindPasswordFile names a file holding the password instead (its
	// trailing newline is ignored), e.g. a Docker secret.
	BindDN           string `mapstructure:"bindDN"`
	BindPassword     string `mapstructure:"bindPassword"`
	BindPasswordFile string `mapstructure:"bindPasswordFile"`
	// BaseDN is the managed subtree; empty means the domain's baseDN.
	BaseDN string `mapstructure:"baseDN"`

	TLS TLSConfig `mapstructure:"tls"`

	// PoolSize is the number of service connections kept open; BindPoolSize
	// the number of connections used to bind as users (verification and
	// self-service password changes).
	PoolSize     int `mapstructure:"poolSize"`
	BindPoolSize int `mapstructure:"bindPoolSize"`
	// DialTimeout bounds connecting, TLS and the service bind;
	// RequestTimeout bounds every call that has no earlier deadline of its
	// own.
	DialTimeout    time.Duration `mapstructure:"dialTimeout"`
	RequestTimeout time.Duration `mapstructure:"requestTimeout"`
	// IdleCheck: a connection idle for longer is checked with a round trip
	// before use (one that broke visibly is always replaced).
	IdleCheck time.Duration `mapstructure:"idleCheck"`
	// ReconnectBackoff is the first wait before redialling a server that
	// failed; it doubles up to ReconnectBackoffMax.
	ReconnectBackoff    time.Duration `mapstructure:"reconnectBackoff"`
	ReconnectBackoffMax time.Duration `mapstructure:"reconnectBackoffMax"`
	// PageSize is the RFC 2696 page size of searches.
	PageSize int `mapstructure:"pageSize"`

	// Profile is the kind of server: "openldap" or "ad" (Active
	// Directory, Samba AD).
	Profile string `mapstructure:"profile"`
	// GroupModel is "groupOfNames" (member DNs, nesting; needs the
	// rfc2307bis schema for gidNumber) or "posixGroup" (memberUid, no
	// nesting). The ad profile has AD's own (group, member DNs, nesting)
	// and takes only the default here.
	GroupModel string `mapstructure:"groupModel"`
	// PasswordInAdd: the server hashes cleartext passwords written by an
	// add (OpenLDAP's ppolicy with olcPPolicyHashCleartext TRUE, as in
	// schema/openldap/README.md), so a new user's password goes into its add
	// and a create is one operation: it happens with its password or not
	// at all. Off, the password is set by a second operation, and a server
	// lost between the two leaves an entry without one. Never turn it on
	// for a server that does not hash: it would store the password in
	// clear. The ad profile always sets the password in the add.
	PasswordInAdd bool `mapstructure:"passwordInAdd"`
	// Attributes overrides the profile's attribute map: model name → LDAP
	// attribute, e.g. {externalId: employeeNumber}. An empty value means
	// the directory has no such attribute: reads leave the field empty and
	// writes of a value are refused.
	Attributes map[string]string `mapstructure:"attributes"`
	// ObjectClasses overrides the object classes written for new entries,
	// by kind: user, group, ou. The first class of each kind is the one
	// searches select entries by.
	ObjectClasses map[string][]string `mapstructure:"objectClasses"`
	// ExtraAttributes is the allow-list of further attributes users carry
	// (User.Attributes), e.g. [employeeType, departmentNumber]. Unset: the
	// profile's ordinary person attributes (directory.DefaultExtraAttributes)
	// but those the attribute map uses; [] carries none. Security-bearing
	// attributes are refused.
	ExtraAttributes []string `mapstructure:"extraAttributes"`
	// CountersDN is where the uidNumber/gidNumber counter entries live;
	// empty means the base DN.
	CountersDN string `mapstructure:"countersDN"`
	// PasswordPolicyDN is the ppolicy entry dirgate reads the lockout
	// threshold and duration from; empty means cn=passwordPolicy,<base>.
	PasswordPolicyDN string `mapstructure:"passwordPolicyDN"`
	// Sort is "auto" (server-side sort and virtual list view when the
	// server offers them) or "client" (always the bounded paged scan).
	Sort string `mapstructure:"sort"`
	// Referrals is "ignore" (default: a referral is an error, search
	// continuations are dropped) or "follow" (a write answered with a
	// referral is sent once to the referred server, with the same
	// credentials).
	Referrals string `mapstructure:"referrals"`
	// ReadModel is "off" (the default: every read goes to the server) or
	// "on": reads are answered from an in-memory copy of the domain kept
	// coherent by the server's change stream (syncrepl; OpenLDAP with the
	// syncprov overlay), within ReadModelMaxLag (docs/backends.md).
	ReadModel string `mapstructure:"readModel"`
	// ReadModelMaxLag bounds how far behind the server the read model may
	// be and still answer; past it reads go to the server and the domain
	// is unready. Default 1s.
	ReadModelMaxLag time.Duration `mapstructure:"readModelMaxLag"`
}

// TLSConfig secures connections: ldaps:// URLs always use TLS; StartTLS
// upgrades ldap:// ones.
type TLSConfig struct {
	StartTLS bool `mapstructure:"startTLS"`
	// CAFile holds PEM certificates to trust instead of the system's.
	CAFile string `mapstructure:"caFile"`
	// CertFile and KeyFile are a client certificate, when the server asks.
	CertFile string `mapstructure:"certFile"`
	KeyFile  string `mapstructure:"keyFile"`
	// ServerName is the name the certificate must carry; default the URL's
	// host.
	ServerName string `mapstructure:"serverName"`
	// MinVersion is "1.2" (default) or "1.3".
	MinVersion string `mapstructure:"minVersion"`
	// InsecureSkipVerify disables certificate checks: tests only.
	InsecureSkipVerify bool `mapstructure:"insecureSkipVerify"`
}

// NewConfig returns a Config holding the defaults.
func NewConfig() *Config {
	return &Config{
		PoolSize:            8,
		BindPoolSize:        4,
		DialTimeout:         5 * time.Second,
		RequestTimeout:      15 * time.Second,
		IdleCheck:           30 * time.Second,
		ReconnectBackoff:    50 * time.Millisecond,
		ReconnectBackoffMax: time.Second,
		PageSize:            500,
		Profile:             "openldap",
		GroupModel:          "groupOfNames",
		Sort:                "auto",
		Referrals:           "ignore",
		ReadModel:           "off",
		ReadModelMaxLag:     time.Second,
		TLS:                 TLSConfig{MinVersion: "1.2"},
	}
}

var _ directory.BackendConfig = (*Config)(nil)

// Validate reports every problem of the block at once.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
	if len(c.URLs) == 0 {
		bad("urls", "at least one server URL is required")
	}
	for i, u := range c.URLs {
		if err := checkURL(u); err != nil {
			bad(fmt.Sprintf("urls[%d]", i), "%v", err)
		} else if c.TLS.StartTLS && strings.HasPrefix(strings.ToLower(u), "ldaps://") {
			bad(fmt.Sprintf("urls[%d]", i), "tls.startTLS cannot be used with ldaps:// (already TLS)")
		}
	}
	if c.BindDN != "" {
		if _, err := directory.ParseDN(c.BindDN); err != nil {
			bad("bindDN", "%v", err)
		}
	}
	switch {
	case c.BindPassword != "" && c.BindPasswordFile != "":
		bad("bindPassword", "set bindPassword or bindPasswordFile, not both")
	case c.BindPasswordFile != "":
		if _, err := os.Stat(c.BindPasswordFile); err != nil {
			bad("bindPasswordFile", "%v", err)
		}
	case c.BindDN != "" && c.BindPassword == "":
		bad("bindPassword", "required with bindDN (or use bindPasswordFile)")
	}
	for key, dn := range map[string]string{"baseDN": c.BaseDN, "countersDN": c.CountersDN, "passwordPolicyDN": c.PasswordPolicyDN} {
		if dn == "" {
			continue
		}
		if _, err := directory.ParseDN(dn); err != nil {
			bad(key, "%v", err)
		}
	}
	positive := []struct {
		key string
		v   int64
	}{
		{"poolSize", int64(c.PoolSize)}, {"bindPoolSize", int64(c.BindPoolSize)},
		{"dialTimeout", int64(c.DialTimeout)}, {"requestTimeout", int64(c.RequestTimeout)},
		{"reconnectBackoff", int64(c.ReconnectBackoff)}, {"reconnectBackoffMax", int64(c.ReconnectBackoffMax)},
		{"pageSize", int64(c.PageSize)},
	}
	for _, p := range positive {
		if p.v <= 0 {
			bad(p.key, "must be positive")
		}
	}
	if c.IdleCheck < 0 {
		bad("idleCheck", "must not be negative")
	}
	if c.ReconnectBackoffMax < c.ReconnectBackoff {
		bad("reconnectBackoffMax", "must not be below reconnectBackoff")
	}
	if c.PageSize > 0 && c.PageSize > 100000 {
		bad("pageSize", "at most 100000")
	}
	prof, ok := profiles[c.Profile]
	if !ok {
		bad("profile", "unknown profile %q (known: %s)", c.Profile, strings.Join(profileNames(), ", "))
	}
	if c.PasswordInAdd && prof != nil && !prof().extendedPasswords() {
		bad("passwordInAdd", "the %s profile always sets a new user's password in its add; remove passwordInAdd", c.Profile)
	}
	errs = append(errs, c.readModelProblems()...)
	if _, ok := groupModels[c.GroupModel]; !ok {
		bad("groupModel", "unknown group model %q (known: groupOfNames, posixGroup)", c.GroupModel)
	} else if prof != nil && prof().groups != nil && c.GroupModel != NewConfig().GroupModel {
		bad("groupModel", "the %s profile has its own group model (groups with member DNs); remove groupModel", c.Profile)
	}
	if ok {
		p := prof()
		for k, v := range c.Attributes {
			if _, known := p.attrs[k]; !known {
				bad("attributes."+k, "unknown model attribute (known: %s)", strings.Join(p.attrs.names(), ", "))
			} else if v != "" && !validAttrName(v) {
				bad("attributes."+k, "%q is not an attribute name", v)
			}
		}
	}
	for k, classes := range c.ObjectClasses {
		if !slices.Contains([]string{kindUser, kindGroup, kindOU}, k) {
			bad("objectClasses."+k, "unknown kind (known: user, group, ou)")
			continue
		}
		if len(classes) == 0 {
			bad("objectClasses."+k, "at least one object class is required")
		}
		for _, cl := range classes {
			if !validAttrName(cl) {
				bad("objectClasses."+k, "%q is not an object class name", cl)
			}
		}
	}
	for i, a := range c.ExtraAttributes {
		switch {
		case !validAttrName(a):
			bad(fmt.Sprintf("extraAttributes[%d]", i), "%q is not an attribute name", a)
		case directory.IsSecurityAttribute(a):
			bad(fmt.Sprintf("extraAttributes[%d]", i), "%q carries security (credentials, rights or logon) and is never an extra attribute", a)
		}
	}
	if c.Sort != "auto" && c.Sort != "client" {
		bad("sort", "must be auto or client, not %q", c.Sort)
	}
	if c.Referrals != "ignore" && c.Referrals != "follow" {
		bad("referrals", "must be ignore or follow, not %q", c.Referrals)
	}
	errs = append(errs, c.TLS.validate()...)
	return errors.Join(errs...)
}

func (t TLSConfig) validate() []error {
	var errs []error
	if t.MinVersion != "" && t.MinVersion != "1.2" && t.MinVersion != "1.3" {
		errs = append(errs, fmt.Errorf("tls.minVersion: must be 1.2 or 1.3, not %q", t.MinVersion))
	}
	for key, f := range map[string]string{"tls.caFile": t.CAFile, "tls.certFile": t.CertFile, "tls.keyFile": t.KeyFile} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", key, err))
		}
	}
	if (t.CertFile == "") != (t.KeyFile == "") {
		errs = append(errs, errors.New("tls.certFile and tls.keyFile go together"))
	}
	return errs
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil && !strings.HasPrefix(raw, "ldapi://") {
		return fmt.Errorf("%q does not parse: %v", raw, err)
	}
	switch {
	case strings.HasPrefix(raw, "ldapi://"):
		return nil
	case u.Scheme != "ldap" && u.Scheme != "ldaps":
		return fmt.Errorf("%q: scheme must be ldap, ldaps or ldapi", raw)
	case u.Host == "":
		return fmt.Errorf("%q: no host", raw)
	}
	return nil
}

// validAttrName accepts an attribute or object class descriptor (RFC 4512
// keystring, with options) or a numeric OID.
func validAttrName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9', r == '-' || r == ';' || r == '.':
			if i == 0 && r == '-' {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// bindPassword returns the service password, reading the file when one is
// configured.
func (c *Config) bindPassword() (string, error) {
	if c.BindPasswordFile == "" {
		return c.BindPassword, nil
	}
	b, err := os.ReadFile(c.BindPasswordFile)
	if err != nil {
		return "", fmt.Errorf("%w: bindPasswordFile: %v", directory.ErrInvalidInput, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
