package privacyidea

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// Config is the `dialects.privacyidea.config` block. Realms and resolvers
// are configuration here, as they are in privacyIDEA's database: a
// resolver is a part of one domain's tree, a realm a list of resolvers.
type Config struct {
	// Secret signs the JWTs that POST /auth issues (HS256). Every replica
	// must have the same one, or a token from one is refused by another.
	Secret string `mapstructure:"secret"`
	// TokenLifetime is how long a JWT is valid (privacyIDEA: one hour).
	TokenLifetime time.Duration `mapstructure:"tokenLifetime"`
	// VersionNumber is what the envelope reports as "versionnumber" (and
	// "version": "privacyIDEA <x>"), for clients that check it.
	VersionNumber string `mapstructure:"versionNumber"`
	// DefaultRealm is the realm of a login without one (username without
	// @realm and no realm parameter). With a single realm it may be left
	// empty.
	DefaultRealm string                    `mapstructure:"defaultRealm"`
	Resolvers    map[string]ResolverConfig `mapstructure:"resolvers"`
	Realms       map[string]RealmConfig    `mapstructure:"realms"`
	Admins       AdminConfig               `mapstructure:"admins"`
	// Policies limit what admins may do. None: every admin may do
	// everything; as soon as one exists, an admin may do only what a
	// policy that applies to it allows (privacyIDEA's admin scope).
	Policies []AdminPolicy `mapstructure:"policies"`
	// SizeLimit caps the entries GET /user returns per resolver (the
	// original LDAP resolver's SIZELIMIT, 500 by default).
	SizeLimit int `mapstructure:"sizeLimit"`
}

// ResolverConfig is one user resolver.
type ResolverConfig struct {
	// Domain names the dirgate domain (empty: the default domain).
	Domain string `mapstructure:"domain"`
	// Subtree is where the resolver's users live and new users are
	// created (empty: the domain's users container).
	Subtree string `mapstructure:"subtree"`
	// Editable allows POST, PUT and DELETE on the resolver's users.
	Editable bool `mapstructure:"editable"`
	// UIDType says what "userid" is: uidNumber (the default), id (the
	// directory's entryUUID or objectGUID) or dn.
	UIDType string `mapstructure:"uidType"`
	// Attributes maps privacyIDEA's user keys to dirgate's user fields,
	// over the default map (see defaultAttributes); a key mapped to ""
	// is removed.
	Attributes map[string]string `mapstructure:"attributes"`
}

// RealmConfig is one realm.
type RealmConfig struct {
	Resolvers []string `mapstructure:"resolvers"`
}

// AdminConfig says who gets the admin role at POST /auth, and keeps it on
// every request of the token; everyone else who logs in gets the user
// role.
type AdminConfig struct {
	// DNs are admin accounts by their entry's DN: the entry there is an
	// admin, not whoever creates an account of the same name.
	DNs []string `mapstructure:"dns"`
	// Users were login names. They are refused: a name that is free (an
	// admin who left) makes whoever creates it an admin. Kept so that a
	// configuration still listing them is refused with the way out.
	Users []string `mapstructure:"users"`
	// Groups: members (directly or nested) are admins.
	Groups []string `mapstructure:"groups"`
	// Realms: every user of these realms is an admin (privacyIDEA's
	// SUPERUSER_REALM).
	Realms []string `mapstructure:"realms"`
}

// AdminPolicy is one admin policy.
type AdminPolicy struct {
	Name string `mapstructure:"name"`
	// Admins the policy applies to, each a DN (that entry), "name" or
	// "name@realm" (the admin's username now); empty: every admin. A policy
	// grants nothing to who is not an admin.
	Admins []string `mapstructure:"admins"`
	// Realms the admin may act on; empty: every realm.
	Realms []string `mapstructure:"realms"`
	// Actions allowed: userlist, adduser, updateuser, deleteuser.
	Actions []string `mapstructure:"actions"`
}

// Defaults.
const (
	defaultTokenLifetime = time.Hour
	defaultVersionNumber = "3.9"
	defaultSizeLimit     = 500
	minSecretLength      = 16
)

// DefaultConfig returns a Config with its defaults.
func DefaultConfig() *Config {
	return &Config{TokenLifetime: defaultTokenLifetime, VersionNumber: defaultVersionNumber, SizeLimit: defaultSizeLimit}
}

var _ dialect.Config = (*Config)(nil)

// Validate reports every problem of the block at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if len(c.Secret) < minSecretLength {
		add("privacyidea: secret must be at least %d characters (the quick start generates one)", minSecretLength)
	}
	if c.TokenLifetime < 0 {
		add("privacyidea: tokenLifetime must not be negative")
	}
	if c.SizeLimit < 0 {
		add("privacyidea: sizeLimit must not be negative")
	}
	if len(c.Resolvers) == 0 {
		add("privacyidea: at least one resolver is required")
	}
	for name, r := range c.Resolvers {
		if err := r.validate(); err != nil {
			add("privacyidea: resolver %q: %w", name, err)
		}
	}
	if len(c.Realms) == 0 {
		add("privacyidea: at least one realm is required")
	}
	for name, r := range c.Realms {
		if len(r.Resolvers) == 0 {
			add("privacyidea: realm %q has no resolver", name)
		}
		for _, res := range r.Resolvers {
			if !hasKey(c.Resolvers, res) {
				add("privacyidea: realm %q names resolver %q, which is not configured", name, res)
			}
		}
	}
	if c.DefaultRealm != "" && !hasKey(c.Realms, c.DefaultRealm) {
		add("privacyidea: defaultRealm %q is not a configured realm", c.DefaultRealm)
	}
	if c.DefaultRealm == "" && len(c.Realms) > 1 {
		add("privacyidea: defaultRealm is required when more than one realm is configured")
	}
	if len(c.Admins.Users) > 0 {
		add("privacyidea: admins.users lists bare usernames (%s); whoever creates a free one of those names would be an admin: "+
			"list each admin's DN under admins.dns (e.g. uid=alice,ou=people,dc=example,dc=com), "+
			"or make them members of a group listed under admins.groups, and remove admins.users",
			strings.Join(c.Admins.Users, ", "))
	}
	for i, dn := range c.Admins.DNs {
		if _, err := directory.ParseDN(dn); err != nil {
			add("privacyidea: admins.dns[%d]: %q is not a DN", i, dn)
		}
	}
	for _, realm := range c.Admins.Realms {
		if !hasKey(c.Realms, realm) {
			add("privacyidea: admins.realms names %q, which is not a configured realm", realm)
		}
	}
	for i, p := range c.Policies {
		if err := p.validate(c.Realms); err != nil {
			add("privacyidea: policy %d (%s): %w", i+1, p.Name, err)
		}
	}
	return errors.Join(errs...)
}

func (r ResolverConfig) validate() error {
	var errs []error
	if _, err := parseUIDType(r.UIDType); err != nil {
		errs = append(errs, err)
	}
	if _, err := compileAttributes(r.Attributes); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func (p AdminPolicy) validate(realms map[string]RealmConfig) error {
	var errs []error
	if len(p.Actions) == 0 {
		errs = append(errs, errors.New("no actions"))
	}
	for _, a := range p.Actions {
		if !slices.Contains(allActions, strings.ToLower(a)) {
			errs = append(errs, fmt.Errorf("unknown action %q (known: %s)", a, strings.Join(allActions, ", ")))
		}
	}
	for _, realm := range p.Realms {
		if !hasKey(realms, realm) {
			errs = append(errs, fmt.Errorf("realm %q is not configured", realm))
		}
	}
	return errors.Join(errs...)
}

// hasKey looks a realm or resolver name up as privacyIDEA does: ignoring
// case (the configuration loader lower-cases map keys anyway).
func hasKey[V any](m map[string]V, name string) bool {
	for k := range m {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}
