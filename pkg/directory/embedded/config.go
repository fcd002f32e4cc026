package embedded

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Config is the `config:` block of a domain whose backend type is
// "embedded".
type Config struct {
	// Path is the database file; default <dataDir>/<domain>.db.
	Path string `mapstructure:"path"`
	// LockoutThreshold is how many wrong passwords in a row lock an
	// account; 0 turns lockout off.
	LockoutThreshold int `mapstructure:"lockoutThreshold"`
	// LockoutDuration is how long such a lock lasts; 0 keeps it until an
	// administrator unlocks the account.
	LockoutDuration time.Duration `mapstructure:"lockoutDuration"`
	// ExtraAttributes are the names of the extra user attributes the
	// directory carries (User.Attributes), e.g. pager. Default: the
	// ordinary attributes of AD and inetOrgPerson
	// (directory.DefaultExtraAttributes); [] carries none.
	// Security-bearing attributes are refused.
	ExtraAttributes []string `mapstructure:"extraAttributes"`
	// Argon2 are the parameters new password hashes get; existing hashes
	// keep theirs.
	Argon2 Argon2Params `mapstructure:"argon2"`
	// ReadModel: "off" (reads answered by the store, the default) or
	// "on" (through pkg/directory/readmodel, fed by the store's commits:
	// readmodelconfig.go).
	ReadModel string `mapstructure:"readModel"`
}

var _ directory.BackendConfig = (*Config)(nil)

// NewConfig returns the defaults: lockout after 5 failures for 15 minutes,
// the OWASP argon2id parameters, and the ordinary attributes of AD and
// inetOrgPerson as extra attributes, listed so that a saved configuration
// (the quick start's) shows them and can be edited.
func NewConfig() *Config {
	return &Config{LockoutThreshold: 5, LockoutDuration: 15 * time.Minute, Argon2: DefaultArgon2(),
		ExtraAttributes: directory.DefaultExtraAttributes("")}
}

// LockoutAfter is LockoutThreshold, for config, which keeps the throttle's
// per-account budget below it without importing this package.
func (c *Config) LockoutAfter() int { return c.LockoutThreshold }

// attributeName is an LDAP attribute description without options.
var attributeName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]*$`)

// coreAttributes are the attributes the LDAP layout gives a user already;
// an extra attribute must not shadow one.
var coreAttributes = func() map[string]bool {
	m := map[string]bool{}
	for _, a := range []string{
		"objectClass", "uid", "cn", "sn", "givenName", "displayName", "mail", "telephoneNumber", "mobile",
		"title", "description", "uidNumber", "gidNumber", "homeDirectory", "loginShell", "userPassword",
		"entryUUID", "createTimestamp", "modifyTimestamp", "member", "memberOf", "memberUid", "ou", "dc",
		"pwdAccountLockedTime", "pwdFailureTime", "pwdReset", "dirgateProtected", "dirgateSystem",
		"dirgateInvitationPending", "dirgateInvitationExpiry", "dirgatePrincipalName", "dirgateExternalId",
		"dirgateNextId", "userPrincipalName", "sAMAccountName", "unicodePwd", "userAccountControl",
	} {
		m[fold(a)] = true
	}
	return m
}()

// Validate reports every problem of the block at once.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s: %s", directory.ErrInvalidInput, key, fmt.Sprintf(format, args...)))
	}
	if c.Path != "" && strings.TrimSpace(c.Path) == "" {
		bad("path", "is blank")
	}
	if c.LockoutThreshold < 0 {
		bad("lockoutThreshold", "%d is negative (0 turns lockout off)", c.LockoutThreshold)
	}
	if c.LockoutDuration < 0 {
		bad("lockoutDuration", "%s is negative (0 locks until an administrator unlocks)", c.LockoutDuration)
	}
	seen := map[string]bool{}
	for i, a := range c.ExtraAttributes {
		key := fmt.Sprintf("extraAttributes[%d]", i)
		switch {
		case !attributeName.MatchString(a):
			bad(key, "%q is not an attribute name (a letter, then letters, digits and hyphens)", a)
		case coreAttributes[fold(a)] || strings.HasPrefix(fold(a), "dirgate") || strings.HasPrefix(fold(a), "pwd"):
			bad(key, "%q is an attribute dirgate manages itself", a)
		case directory.IsSecurityAttribute(a):
			bad(key, "%q carries security (credentials, rights or logon) and is never an extra attribute", a)
		case seen[fold(a)]:
			bad(key, "%q is listed twice", a)
		}
		seen[fold(a)] = true
	}
	errs = append(errs, c.Argon2.validate("argon2")...)
	errs = append(errs, c.readModelProblems()...)
	return errors.Join(errs...)
}

// dbPath is where the database lives for env.
func (c *Config) dbPath(env directory.BackendEnv) (string, error) {
	if c.Path != "" {
		return c.Path, nil
	}
	switch {
	case env.DataDir == "":
		return "", fmt.Errorf("%w: embedded: no path configured and no data directory", directory.ErrInvalidInput)
	case env.Domain == "" || filepath.Base(env.Domain) != env.Domain || env.Domain == "." || env.Domain == "..":
		return "", fmt.Errorf("%w: embedded: domain %q cannot name a file; set path", directory.ErrInvalidInput, env.Domain)
	}
	return filepath.Join(env.DataDir, env.Domain+".db"), nil
}

// Open opens the domain's database, creating it (with the base entry,
// ou=people and ou=groups) on first use.
func (c *Config) Open(ctx context.Context, env directory.BackendEnv) (directory.Directory, error) {
	d, err := open(ctx, c, env)
	if err != nil {
		return nil, err
	}
	return c.withReadModel(ctx, d)
}
