package kanboard

import (
	"errors"
	"fmt"
	"strings"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Name is the dialect's configuration key and metrics label.
const Name = "kanboard"

// Group defaults: Kanboard's own groups. They must not be groups another
// dialect makes administrators of (the quick start's dirgate-admins):
// createUser and updateUser add users to them.
const (
	DefaultAdminGroup     = "kanboard-admins"
	DefaultManagerGroup   = "kanboard-managers"
	DefaultLDAPUsersGroup = "kanboard-ldap-users"
)

// minTokenLength guards application mode, which may call every procedure:
// Kanboard's own generated tokens are 64 hex characters.
const minTokenLength = 16

// Config is the `dialects.kanboard.config` block.
type Config struct {
	// Domain names the dirgate domain Kanboard's users live in; empty is
	// the default (first) domain.
	Domain string `mapstructure:"domain"`
	// Token is Kanboard's API token: HTTP Basic `jsonrpc:<token>` calls
	// every procedure (application mode). Empty turns application mode
	// off; directory users' own credentials still work.
	Token string `mapstructure:"token"`
	// AuthHeader is Kanboard's API_AUTHENTICATION_HEADER: an extra header
	// (e.g. X-API-Auth) carrying base64("user:password") for setups where a
	// proxy takes the Authorization header. Empty: Authorization only.
	AuthHeader string `mapstructure:"authHeader"`
	// UsersDN is where createUser creates users; every user below it is a
	// Kanboard user. Default: the domain's usersDN.
	UsersDN string `mapstructure:"usersDN"`
	// LDAPBase is the wider base createLdapUser finds existing directory
	// users in. Default: the domain's base.
	LDAPBase string `mapstructure:"ldapBase"`
	// GroupsDN is where the groups below are created when first needed.
	// Default: the domain's groupsDN.
	GroupsDN string `mapstructure:"groupsDN"`
	// AdminGroup and ManagerGroup hold the app-admin and app-manager roles
	// (membership, nested groups included); a user in neither is app-user.
	AdminGroup   string `mapstructure:"adminGroup"`
	ManagerGroup string `mapstructure:"managerGroup"`
	// LDAPUsersGroup lists the directory users createLdapUser registered
	// (is_ldap_user "1"), wherever below LDAPBase they live.
	LDAPUsersGroup string `mapstructure:"ldapUsersGroup"`
	// MaxBatch bounds the requests of one batch (default 100); a larger
	// batch is one -32600 Invalid Request and nothing of it runs.
	MaxBatch int `mapstructure:"maxBatch"`
	// MaxResults bounds the users one HTTP answer lists, shared by the
	// getAllUsers calls of a batch (default 10,000); a call past it gets
	// -32000 "Too many results".
	MaxResults int `mapstructure:"maxResults"`
}

// DefaultConfig is the configuration a block is decoded over.
func DefaultConfig() *Config {
	return &Config{
		AdminGroup:     DefaultAdminGroup,
		ManagerGroup:   DefaultManagerGroup,
		LDAPUsersGroup: DefaultLDAPUsersGroup,
		MaxBatch:       DefaultMaxBatch,
		MaxResults:     dialect.DefaultMaxResults,
	}
}

// Validate reports every problem of the block at once.
func (c *Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if c.Token != "" && len(c.Token) < minTokenLength {
		add("token: must be at least %d characters (or empty to turn application mode off)", minTokenLength)
	}
	if c.MaxBatch < 1 {
		add("maxBatch: must be at least 1")
	}
	if c.MaxResults < 1 {
		add("maxResults: must be at least 1")
	}
	if c.Token != strings.TrimSpace(c.Token) {
		add("token: must not start or end with a space")
	}
	if h := c.AuthHeader; h != "" && (strings.ContainsAny(h, " :\t\r\n") || strings.EqualFold(h, "Authorization")) {
		add("authHeader: %q is not a header name other than Authorization", h)
	}
	for field, dn := range map[string]string{"usersDN": c.UsersDN, "ldapBase": c.LDAPBase, "groupsDN": c.GroupsDN} {
		if dn == "" {
			continue
		}
		if _, err := directory.ParseDN(dn); err != nil {
			add("%s: %q is not a DN", field, dn)
		}
	}
	groups := map[string]string{
		"adminGroup": c.AdminGroup, "managerGroup": c.ManagerGroup, "ldapUsersGroup": c.LDAPUsersGroup,
	}
	seen := map[string]string{}
	for _, field := range []string{"adminGroup", "managerGroup", "ldapUsersGroup"} {
		name := groups[field]
		if strings.TrimSpace(name) == "" {
			add("%s: is required", field)
			continue
		}
		if other, dup := seen[strings.ToLower(name)]; dup {
			add("%s: %q is already the %s", field, name, other)
		}
		seen[strings.ToLower(name)] = field
	}
	return errors.Join(errs...)
}

// Build makes the dialect over the configured domain.
func (c *Config) Build(deps dialect.Deps) (dialect.Dialect, error) {
	if deps.Core == nil {
		return nil, errors.New("kanboard: no core service")
	}
	d := deps.Core.Default()
	if c.Domain != "" {
		var err error
		if d, err = deps.Core.Domain(c.Domain); err != nil {
			return nil, fmt.Errorf("kanboard: domain: %w", err)
		}
	}
	l, err := c.layout(d)
	if err != nil {
		return nil, err
	}
	k := newDialect(deps, d, l, c.Token, c.AuthHeader)
	if c.MaxBatch > 0 {
		k.maxBatch = c.MaxBatch
	}
	k.maxResults = dialect.MaxResults(c.MaxResults)
	return k, nil
}

// Bootstrap generates the API token on the quick start's first run. The
// role groups stay Kanboard's own: were app-admin the quick start's admin
// group, createUser(role: app-admin) would make gateway administrators.
// The quick start's admin group becomes a member of the app-admin group
// instead, so its admins are Kanboard admins (nested groups count).
func (c *Config) Bootstrap(b *dialect.Bootstrap) (any, error) {
	if c.Token == "" {
		c.Token = b.Secret(30)
	}
	b.AdminRoleGroups = append(b.AdminRoleGroups, c.AdminGroup)
	return map[string]string{"username": appUsername, "token": c.Token}, nil
}

// layout resolves the configured containers and groups against the domain.
func (c *Config) layout(d *identity.Domain) (layout, error) {
	dc := d.Config()
	l := layout{
		usersDN:   or(c.UsersDN, dc.UsersDN),
		ldapBase:  or(c.LDAPBase, d.BaseDN()),
		groupsDN:  or(c.GroupsDN, dc.GroupsDN),
		admins:    c.AdminGroup,
		managers:  c.ManagerGroup,
		ldapUsers: c.LDAPUsersGroup,
	}
	var errs []error
	for field, dn := range map[string]string{"usersDN": l.usersDN, "ldapBase": l.ldapBase, "groupsDN": l.groupsDN} {
		if !directory.IsUnder(dn, d.BaseDN()) {
			errs = append(errs, fmt.Errorf("kanboard: %s: %s is outside the domain's base %s", field, dn, d.BaseDN()))
		}
	}
	return l, errors.Join(errs...)
}

func or(v, fallback string) string {
	if v != "" {
		return v
	}
	return fallback
}
