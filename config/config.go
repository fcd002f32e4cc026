// Package config loads, validates and saves dirgate's configuration: a YAML
// file, DIRGATE_* environment variables and command-line flags, merged by
// spf13/viper. Backends and dialects are chosen by name through the
// Registry of factories the binary passes in (cmd/dirgate/registry.go);
// each opens its own typed `config:` block, so this package knows none of
// their settings and imports none of their packages.
package config

import (
	"time"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/throttle"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Config is the whole configuration of one dirgate process.
type Config struct {
	// Listen is the main listener's host:port: health, readiness, metrics
	// and every dialect without listeners of its own.
	Listen string `mapstructure:"listen"`
	// DataDir holds the embedded backend's store and the quick start's
	// files.
	DataDir string `mapstructure:"dataDir"`
	Log     Log    `mapstructure:"log"`
	Audit   Audit  `mapstructure:"audit"`
	Server  Server `mapstructure:"server"`
	// PasswordHashing bounds the password work of the whole process
	// (checks, new hashes, the decoys of refused logons); 0s size it to
	// the machine.
	PasswordHashing identity.HashingLimits `mapstructure:"passwordHashing"`
	// Domains are the directories dirgate serves; the first is the default.
	Domains []Domain `mapstructure:"domains"`
	// Dialects are keyed by dialect name (see Registry).
	Dialects map[string]Dialect `mapstructure:"dialects"`
	// Console is the web console and the API reference pages.
	Console Console `mapstructure:"console"`
}

// Log configures the server log (stderr).
type Log struct {
	// Level is debug, info, warn or error.
	Level string `mapstructure:"level"`
	// Format is json or text.
	Format string `mapstructure:"format"`
}

// Audit configures the audit log: one JSON line per directory write.
type Audit struct {
	// File is appended to (created 0600); "" writes to stdout.
	File string `mapstructure:"file"`
}

// Server configures the HTTP servers of every listener.
type Server struct {
	ReadTimeout       time.Duration `mapstructure:"readTimeout"`
	ReadHeaderTimeout time.Duration `mapstructure:"readHeaderTimeout"`
	WriteTimeout      time.Duration `mapstructure:"writeTimeout"`
	IdleTimeout       time.Duration `mapstructure:"idleTimeout"`
	// BodyLimit bounds every request body, in bytes; dialects answer a
	// larger body in their own error envelope.
	BodyLimit int64 `mapstructure:"bodyLimit"`
	// ShutdownGrace is how long in-flight requests may run on after
	// SIGTERM before their connections are closed.
	ShutdownGrace time.Duration `mapstructure:"shutdownGrace"`
	// TrustedProxies are the reverse proxies (CIDRs, or single addresses)
	// whose ClientAddressHeader is believed. From any other peer the
	// header is ignored and the client is the TCP peer.
	TrustedProxies []string `mapstructure:"trustedProxies"`
	// ClientAddressHeader is the one header the trusted proxies write the
	// client's address in: X-Forwarded-For, Forwarded (RFC 7239) or
	// X-Real-IP.
	ClientAddressHeader string `mapstructure:"clientAddressHeader"`
	// Throttle limits failed credential checks (docs/security.md).
	Throttle throttle.Config `mapstructure:"throttle"`
}

// Domain is one directory and the core's rules for it.
type Domain struct {
	// Name selects the domain in dialects (AD-web FQDN, e.g. example.com).
	Name string `mapstructure:"name"`
	// BaseDN defaults to the name's dc= components.
	BaseDN           string                  `mapstructure:"baseDN"`
	UsersDN          string                  `mapstructure:"usersDN"`
	GroupsDN         string                  `mapstructure:"groupsDN"`
	DefaultGroup     string                  `mapstructure:"defaultGroup"`
	DefaultGIDNumber int64                   `mapstructure:"defaultGIDNumber"`
	HomeDirectory    string                  `mapstructure:"homeDirectory"`
	UIDRange         directory.Range         `mapstructure:"uidRange"`
	GIDRange         directory.Range         `mapstructure:"gidRange"`
	PasswordPolicy   identity.PasswordPolicy `mapstructure:"passwordPolicy"`
	Names            identity.NameRules      `mapstructure:"names"`
	Backend          Backend                 `mapstructure:"backend"`
}

// Backend is a domain's `backend: {type, config}` block.
type Backend struct {
	// Type names an entry of the backend factory map.
	Type string `mapstructure:"type"`
	// Config is the decoded `config:` block; nil when it failed to decode
	// (the loader has reported why).
	Config directory.BackendConfig `mapstructure:"-"`
}

// Dialect is one `dialects.<name>` block.
type Dialect struct {
	// Enabled defaults to true when the block is present.
	Enabled bool `mapstructure:"enabled"`
	// Prefix is the path the dialect's routes live under; empty means the
	// dialect's default (see dialect.Prefixer).
	Prefix string `mapstructure:"prefix"`
	// Listeners are the dialect's own listeners; none means the main one.
	Listeners []Listener `mapstructure:"listeners"`
	// Config is the decoded `config:` block; nil when it failed to decode
	// (the loader has reported why).
	Config dialect.Config `mapstructure:"-"`
}

// Listener is a TCP address or a unix socket.
type Listener struct {
	// TCP is host:port.
	TCP string `mapstructure:"tcp,omitempty"`
	// Unix is a socket path, made absolute by the loader.
	Unix string `mapstructure:"unix,omitempty"`
	// Mode is the socket's file mode (unix only).
	Mode FileMode `mapstructure:"mode,omitempty"`
}

// Defaults of the top-level settings.
const (
	DefaultListen        = "127.0.0.1:8080"
	DefaultDataDir       = "./dirgate-data"
	DefaultBodyLimit     = 1 << 20
	DefaultShutdownGrace = 4 * time.Second
	// DefaultSocketMode lets only dirgate's own user connect: the socket's
	// permissions are Artica's access control, so sharing it with a group
	// is a choice written in the configuration ("0660"), never a default.
	DefaultSocketMode = FileMode(0o600)
)

// defaults returns the settings a file need not spell out.
func defaults() Config {
	return Config{
		Listen:  DefaultListen,
		DataDir: DefaultDataDir,
		Log:     Log{Level: "info", Format: "json"},
		Server: Server{
			ReadTimeout:         30 * time.Second,
			ReadHeaderTimeout:   10 * time.Second,
			WriteTimeout:        60 * time.Second,
			IdleTimeout:         120 * time.Second,
			BodyLimit:           DefaultBodyLimit,
			ShutdownGrace:       DefaultShutdownGrace,
			ClientAddressHeader: "X-Forwarded-For",
			Throttle:            throttle.DefaultConfig(),
		},
		Console: defaultConsole(),
	}
}

// defaultDomain is what a domain entry starts from before its keys are
// decoded over it, so a partial password policy keeps the other defaults.
func defaultDomain() Domain {
	return Domain{
		DefaultGroup:   identity.DefaultUsersGroup,
		HomeDirectory:  "/home/%s",
		UIDRange:       directory.Range{Min: 10000, Max: 59999},
		GIDRange:       directory.Range{Min: 10000, Max: 59999},
		PasswordPolicy: identity.DefaultPasswordPolicy(),
		Names:          identity.DefaultNameRules(),
	}
}

// Identity returns the core's view of the domain.
func (d Domain) Identity() identity.DomainConfig {
	return identity.DomainConfig{
		Name:             d.Name,
		UsersDN:          d.UsersDN,
		GroupsDN:         d.GroupsDN,
		DefaultGroup:     d.DefaultGroup,
		DefaultGIDNumber: d.DefaultGIDNumber,
		HomeDirectory:    d.HomeDirectory,
		UIDRange:         d.UIDRange,
		GIDRange:         d.GIDRange,
		PasswordPolicy:   d.PasswordPolicy,
		Names:            d.Names,
	}
}

// Network and Address describe the listener as dialects see it.
func (l Listener) Network() string {
	if l.Unix != "" {
		return "unix"
	}
	return "tcp"
}

// Address is host:port or the socket path.
func (l Listener) Address() string {
	if l.Unix != "" {
		return l.Unix
	}
	return l.TCP
}

// Dialect returns the listener as the dialect package describes it.
func (l Listener) Dialect() dialect.Listener {
	return dialect.Listener{Network: l.Network(), Address: l.Address()}
}

// NewDomain returns a domain with every default filled in, as a file
// entry naming only its name and backend would load.
func NewDomain(name string, backend Backend) Domain {
	d := defaultDomain()
	d.Name = name
	d.BaseDN = BaseDNFor(name)
	d.Backend = backend
	return d
}
