package openapi

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// Name is the dialect's configuration key and metrics label.
const Name = "openapi"

// DefaultPrefix is where the dialect's routes live unless configured.
const DefaultPrefix = "/api"

// Defaults of the configuration block.
const (
	DefaultTokenLifetime      = 15 * time.Minute
	DefaultInvitationLifetime = 7 * 24 * time.Hour
	DefaultAdminGroup         = "dirgate-admins"
)

// minSecretLength is the shortest signing secret accepted: HS256 keys
// should carry at least 256 bits.
const minSecretLength = 32

// Config is the `dialects.openapi.config` block.
type Config struct {
	// Domain names the dirgate domain the dialect serves; empty is the
	// default (first) domain.
	Domain string `mapstructure:"domain"`
	// JWTSecret signs and verifies login tokens (HS256). Every replica
	// serving the same clients must have the same secret.
	JWTSecret string `mapstructure:"jwtSecret"`
	// PreviousJWTSecrets still verify tokens (never sign them), so the
	// secret can be rotated without logging everyone out.
	PreviousJWTSecrets []string `mapstructure:"previousJwtSecrets"`
	// TokenLifetime is how long a login token is valid.
	TokenLifetime time.Duration `mapstructure:"tokenLifetime"`
	// AdminDNs are the entries, by DN, that may use every endpoint: the
	// entry there is an admin, not whoever creates an account of the same
	// name.
	AdminDNs []string `mapstructure:"adminDNs"`
	// Admins were usernames. They are refused: a name that is free (an
	// admin who left) makes whoever creates it (an invitee choosing it, a
	// key of another dialect) an admin. Kept so that a configuration still
	// listing them is refused with the way out.
	Admins []string `mapstructure:"admins"`
	// AdminGroup: its members (directly or through nested groups) are
	// admins too. Empty: only the listed DNs.
	AdminGroup  string      `mapstructure:"adminGroup"`
	Invitations Invitations `mapstructure:"invitations"`
	// MaxResults bounds the entries of the lists that have no paging (a
	// group's members, a principal's groups): past it, 400. The paged
	// lists are bounded by page[limit]. Default 10,000.
	MaxResults int `mapstructure:"maxResults"`
}

// Invitations configures the invitation tokens.
type Invitations struct {
	// Secret signs invitation tokens; it must differ from the JWT secret so
	// neither kind of token can pass for the other.
	Secret string `mapstructure:"secret"`
	// Lifetime is how long an invitation may be accepted.
	Lifetime time.Duration `mapstructure:"lifetime"`
	// UsersDN is where invited users are created; empty is the domain's
	// users container.
	UsersDN string `mapstructure:"usersDN"`
}

// DefaultConfig is the configuration a block is decoded over.
func DefaultConfig() *Config {
	return &Config{
		TokenLifetime: DefaultTokenLifetime,
		AdminGroup:    DefaultAdminGroup,
		Invitations:   Invitations{Lifetime: DefaultInvitationLifetime},
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
	checkSecret := func(key, secret string) {
		switch {
		case secret == "":
			add("%s: is required (generate one with e.g. `openssl rand -base64 48`)", key)
		case len(secret) < minSecretLength:
			add("%s: must be at least %d characters", key, minSecretLength)
		}
	}
	checkSecret("jwtSecret", c.JWTSecret)
	for i, s := range c.PreviousJWTSecrets {
		checkSecret(fmt.Sprintf("previousJwtSecrets[%d]", i), s)
	}
	checkSecret("invitations.secret", c.Invitations.Secret)
	if c.JWTSecret != "" && c.JWTSecret == c.Invitations.Secret {
		add("invitations.secret: must differ from jwtSecret")
	}
	if c.TokenLifetime < time.Minute || c.TokenLifetime > 24*time.Hour {
		add("tokenLifetime: %s is outside 1m..24h", c.TokenLifetime)
	}
	if c.Invitations.Lifetime < time.Hour || c.Invitations.Lifetime > 90*24*time.Hour {
		add("invitations.lifetime: %s is outside 1h..2160h (90 days)", c.Invitations.Lifetime)
	}
	if len(c.Admins) > 0 {
		group := c.AdminGroup
		if group == "" {
			group = DefaultAdminGroup
		}
		add("admins: lists bare usernames (%s); whoever creates a free one of those names would be an admin: "+
			"list each admin's DN under adminDNs (e.g. uid=alice,ou=people,dc=example,dc=com), "+
			"or make them members of adminGroup (%q), and remove admins", strings.Join(c.Admins, ", "), group)
	}
	for i, dn := range c.AdminDNs {
		if _, err := directory.ParseDN(dn); err != nil {
			add("adminDNs[%d]: %q is not a DN", i, dn)
		}
	}
	if c.AdminGroup != strings.TrimSpace(c.AdminGroup) {
		add("adminGroup: must not start or end with a space")
	}
	if c.AdminGroup == "" && len(c.AdminDNs) == 0 {
		add("adminDNs or adminGroup: at least one is required, or nobody can manage users")
	}
	return errors.Join(errs...)
}

// Build makes the dialect.
func (c *Config) Build(deps dialect.Deps) (dialect.Dialect, error) {
	return newDialect(c, deps)
}

// Bootstrap generates the signing secrets on the quick start's first run
// and makes the quick start's admin group the admin group. The dialect has
// no credentials of its own to show: users log in with their directory
// password.
func (c *Config) Bootstrap(b *dialect.Bootstrap) (any, error) {
	if c.JWTSecret == "" {
		c.JWTSecret = b.Secret(48)
	}
	if c.Invitations.Secret == "" {
		c.Invitations.Secret = b.Secret(48)
	}
	if b.AdminGroup != "" {
		c.AdminGroup = b.AdminGroup
	}
	return nil, nil
}

// DefaultPrefix is where the routes live when the dialect's block names no
// prefix.
func (c *Config) DefaultPrefix() string { return DefaultPrefix }

var (
	_ dialect.Bootstrapper = (*Config)(nil)
	_ dialect.Prefixer     = (*Config)(nil)
)
