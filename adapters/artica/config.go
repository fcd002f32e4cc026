package artica

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"github.com/dirgate/dirgate/internal/dialect"
)

// Name is the dialect's configuration key and metrics label.
const Name = "artica"

// Layout defaults: Artica's own tree.
const (
	DefaultUsersDN      = "ou=users,ou={org},dc=organizations,{suffix}"
	DefaultGroupsDN     = "ou=groups,ou={org},dc=organizations,{suffix}"
	DefaultDefaultGroup = "{org}-users"

	// The embedded store keeps users, groups and OUs but no other
	// containers, so dc=organizations cannot exist there: with the default
	// layout it gets ou=organizations in its place.
	embeddedUsersDN  = "ou=users,ou={org},ou=organizations,{suffix}"
	embeddedGroupsDN = "ou=groups,ou={org},ou=organizations,{suffix}"
)

// Config is the `dialects.artica.config` block. The listeners (unix socket
// and optional TCP) are configured beside it, in `dialects.artica.listeners`.
type Config struct {
	// Domain names the dirgate domain the organizations live in; empty is
	// the default (first) domain.
	Domain string `mapstructure:"domain"`
	// Organizations are the names clients pass as `ou`. Empty means one
	// organization named after the domain (the quick start's example.com).
	Organizations []string `mapstructure:"organizations"`
	// MultipleOrganizations is Artica's "Enable Multiple Organizations";
	// off, exactly one organization is served.
	MultipleOrganizations bool `mapstructure:"multipleOrganizations"`
	// UsersDN and GroupsDN are templates of an organization's containers:
	// {org} is the organization's name (DN-escaped), {suffix} the domain's
	// base DN.
	UsersDN  string `mapstructure:"usersDN"`
	GroupsDN string `mapstructure:"groupsDN"`
	// DefaultGroup is the template of the name of an organization's
	// default group (gpid 0), created in its groups container.
	DefaultGroup string `mapstructure:"defaultGroup"`
	// APIKeys are the keys a TCP listener accepts in X-Auth-Token or
	// X-API-Key. The unix socket needs none.
	APIKeys []APIKey `mapstructure:"apiKeys"`
	// AllowFrom is the CIDR allow-list of TCP clients; default loopback.
	AllowFrom []string `mapstructure:"allowFrom"`
	// SocketRestore gives unix-socket callers the restore right
	// (/openldap/backup/import): on by default, as the socket is Artica's
	// own administration channel and its file mode admits only the
	// host's administrators. A TCP key needs `restore: true`.
	SocketRestore bool   `mapstructure:"socketRestore"`
	Backup        Backup `mapstructure:"backup"`
	// MaxResults bounds the entries of one list answer (an organization's
	// groups, a member's groups); past it the answer is Status false.
	// Default 10,000.
	MaxResults int `mapstructure:"maxResults"`
}

// APIKey is one accepted TCP key. Give its SHA-256 (`sha256:<hex>`, see
// docs/dialects/artica.md) rather than the key itself, so the config file
// does not hold a usable secret.
type APIKey struct {
	// Name identifies the key in the audit log.
	Name string `mapstructure:"name"`
	// Hash is "sha256:" and the hex SHA-256 of the key.
	Hash string `mapstructure:"hash"`
	// Key is the key in clear, accepted for convenience; Hash is preferred.
	Key string `mapstructure:"key"`
	// ReadOnly keys may read but not change anything.
	ReadOnly bool `mapstructure:"readOnly"`
	// Restore grants restoring a backup over the whole domain
	// (/openldap/backup/import). Off by default: a key's member and group
	// calls stay inside the organizations' containers, and a restore
	// reaches every entry of the domain.
	Restore bool `mapstructure:"restore"`
}

// Backup configures the LDIF backups of /openldap/backup/*.
type Backup struct {
	// Dir is the backup folder; default <dataDir>/artica-backups.
	Dir string `mapstructure:"dir"`
	// Interval runs a backup every so long (e.g. 24h); Daily runs one a
	// day at a local "HH:MM". At most one of them; neither means no
	// scheduled backups. /openldap/set/schedule applies them.
	Interval time.Duration `mapstructure:"interval"`
	Daily    string        `mapstructure:"daily"`
	// Keep is how many Save-* files to keep after a backup (0 keeps all).
	Keep int `mapstructure:"keep"`
}

// DefaultConfig is the configuration a block is decoded over.
func DefaultConfig() *Config {
	return &Config{
		UsersDN:       DefaultUsersDN,
		GroupsDN:      DefaultGroupsDN,
		DefaultGroup:  DefaultDefaultGroup,
		AllowFrom:     []string{"127.0.0.1/32", "::1/128"},
		SocketRestore: true,
		MaxResults:    dialect.DefaultMaxResults,
	}
}

// Validate reports every problem of the block at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if c.MaxResults < 0 {
		add("maxResults: must not be negative")
	}
	if !c.MultipleOrganizations && len(c.Organizations) > 1 {
		add("organizations: %d organizations are listed but multipleOrganizations is off", len(c.Organizations))
	}
	seen := map[string]bool{}
	for _, org := range c.Organizations {
		if err := checkName(org); err != nil {
			add("organizations: %q: %w", org, err)
		}
		if seen[strings.ToLower(org)] {
			add("organizations: %q is listed twice", org)
		}
		seen[strings.ToLower(org)] = true
	}
	for field, tmpl := range map[string]string{"usersDN": c.UsersDN, "groupsDN": c.GroupsDN} {
		if err := checkTemplate(tmpl, c.MultipleOrganizations); err != nil {
			add("%s: %w", field, err)
		}
	}
	if c.UsersDN != "" && strings.EqualFold(c.UsersDN, c.GroupsDN) {
		add("usersDN and groupsDN must differ")
	}
	if c.DefaultGroup == "" {
		add("defaultGroup: is required")
	} else if err := checkName(strings.ReplaceAll(c.DefaultGroup, "{org}", "org")); err != nil {
		add("defaultGroup: %w", err)
	}
	if len(c.AllowFrom) == 0 {
		add("allowFrom: at least one CIDR is required (TCP clients are refused otherwise)")
	}
	for _, cidr := range c.AllowFrom {
		if _, err := netip.ParsePrefix(cidr); err != nil {
			add("allowFrom: %q is not a CIDR like 127.0.0.1/32", cidr)
		}
	}
	names := map[string]bool{}
	for i, k := range c.APIKeys {
		if _, err := k.digest(); err != nil {
			add("apiKeys[%d]: %w", i, err)
		}
		if k.ReadOnly && k.Restore {
			add("apiKeys[%d]: a readOnly key cannot have the restore right", i)
		}
		if k.Name == "" {
			add("apiKeys[%d]: name is required", i)
		} else if names[k.Name] {
			add("apiKeys[%d]: name %q is used twice", i, k.Name)
		}
		names[k.Name] = true
	}
	errs = append(errs, c.Backup.validate()...)
	return errors.Join(errs...)
}

func (b Backup) validate() []error {
	var errs []error
	if b.Interval < 0 {
		errs = append(errs, errors.New("backup.interval: must not be negative"))
	}
	if b.Interval > 0 && b.Interval < time.Minute {
		errs = append(errs, fmt.Errorf("backup.interval: %s is shorter than a minute", b.Interval))
	}
	if b.Interval > 0 && b.Daily != "" {
		errs = append(errs, errors.New("backup: set interval or daily, not both"))
	}
	if b.Daily != "" {
		if _, err := parseDaily(b.Daily); err != nil {
			errs = append(errs, fmt.Errorf("backup.daily: %w", err))
		}
	}
	if b.Keep < 0 {
		errs = append(errs, errors.New("backup.keep: must not be negative"))
	}
	return errs
}

// checkTemplate: the template names {org} when organizations must not
// share containers, and is a DN once its placeholders are filled.
func checkTemplate(tmpl string, multiple bool) error {
	if tmpl == "" {
		return errors.New("is required")
	}
	if multiple && !strings.Contains(tmpl, "{org}") {
		return errors.New("must contain {org} when multipleOrganizations is on")
	}
	_, err := expandTemplate(tmpl, "org", "dc=example,dc=com")
	return err
}

// Build makes the dialect.
func (c *Config) Build(deps dialect.Deps) (dialect.Dialect, error) {
	return newDialect(c, deps)
}

// Interface checks.
var (
	_ dialect.Config       = (*Config)(nil)
	_ dialect.Bootstrapper = (*Config)(nil)
)
