package scim

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// Name is the dialect's configuration key and metrics label.
const Name = "scim"

// DefaultPrefix is where RFC 7644 clients expect the service: Entra ID and
// Okta are given a "tenant URL" that ends in /scim/v2.
const DefaultPrefix = "/scim/v2"

// Defaults of the configuration block.
const (
	// DefaultMaxResults is the largest page (count) a list answers, as
	// ServiceProviderConfig's filter.maxResults tells clients.
	DefaultMaxResults = 1000
	// DefaultMaxMembers bounds the members a group resource lists: past
	// it a read that asks for members is refused (tooMany) instead of
	// building an answer as large as the directory.
	DefaultMaxMembers = dialect.DefaultMaxResults
)

// Config is the `dialects.scim.config` block.
type Config struct {
	// Domain names the dirgate domain the dialect serves; empty is the
	// default (first) domain.
	Domain string `mapstructure:"domain"`
	// Tokens are the bearer tokens allowed to call the API, each stored
	// only as its hash.
	Tokens []TokenConfig `mapstructure:"tokens"`
	// MaxResults is the largest page of a list (count). Default 1,000.
	MaxResults int `mapstructure:"maxResults"`
	// MaxMembers bounds the members of one group answer. Default 10,000.
	MaxMembers int `mapstructure:"maxMembers"`
	// ChangePassword lets clients set passwords (the password attribute);
	// ServiceProviderConfig says so. Default true.
	ChangePassword bool `mapstructure:"changePassword"`
}

// TokenConfig is one bearer token. The token itself is never stored: only
// "sha256:<hex>" of it (see HashToken).
type TokenConfig struct {
	// Name identifies the token in the audit log ("scim:<name>").
	Name string `mapstructure:"name"`
	// TokenHash is "sha256:<hex>" of the token.
	TokenHash string `mapstructure:"tokenHash"`
	// ReadOnly tokens may only read (GET and POST /.search).
	ReadOnly bool `mapstructure:"readOnly"`
	// Subtrees, when set, are the only parts of the tree the token may
	// read or change; users and groups it creates go in the first one
	// unless the domain's users (groups) container lies inside one.
	Subtrees []string `mapstructure:"subtrees"`
}

// DefaultConfig is the block's defaults: no tokens.
func DefaultConfig() *Config {
	return &Config{MaxResults: DefaultMaxResults, MaxMembers: DefaultMaxMembers, ChangePassword: true}
}

// DefaultPrefix tells the server where to mount the dialect when the
// configuration does not say.
func (c *Config) DefaultPrefix() string { return DefaultPrefix }

// Validate reports every problem of the block at once.
func (c *Config) Validate() error {
	var errs []error
	if c.MaxResults < 0 {
		errs = append(errs, errors.New("maxResults: must not be negative"))
	}
	if c.MaxMembers < 0 {
		errs = append(errs, errors.New("maxMembers: must not be negative"))
	}
	names := map[string]bool{}
	for i, t := range c.Tokens {
		at := fmt.Sprintf("tokens[%d]", i)
		switch {
		case strings.TrimSpace(t.Name) == "":
			errs = append(errs, fmt.Errorf("%s.name: required", at))
		case names[t.Name]:
			errs = append(errs, fmt.Errorf("%s.name: configured twice", at))
		}
		names[t.Name] = true
		if _, err := parseHash(t.TokenHash); err != nil {
			errs = append(errs, fmt.Errorf("%s.tokenHash: %w", at, err))
		}
		for j, dn := range t.Subtrees {
			if _, err := directory.ParseDN(dn); err != nil {
				errs = append(errs, fmt.Errorf("%s.subtrees[%d]: %q is not a valid DN", at, j, dn))
			}
		}
	}
	return errors.Join(errs...)
}

// Build makes the dialect.
func (c *Config) Build(deps dialect.Deps) (dialect.Dialect, error) {
	if deps.Core == nil {
		return nil, fmt.Errorf("%s: no core service", Name)
	}
	domain := deps.Core.Default()
	if c.Domain != "" {
		var err error
		if domain, err = deps.Core.Domain(c.Domain); err != nil {
			return nil, fmt.Errorf("%s: domain: %w", Name, err)
		}
	}
	tokens, err := newTokenring(c.Tokens)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", Name, err)
	}
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	if len(c.Tokens) == 0 {
		log.Warn("no SCIM tokens configured: every request will be refused")
	}
	maxResults := c.MaxResults
	if maxResults <= 0 {
		maxResults = DefaultMaxResults
	}
	return &Dialect{
		domain:         domain,
		tokens:         tokens,
		log:            log,
		maxResults:     maxResults,
		maxMembers:     dialect.MaxResults(c.MaxMembers),
		changePassword: c.ChangePassword,
		schema:         newUserSchema(domain.Capabilities().ExtraAttributes),
	}, nil
}

var _ dialect.Prefixer = (*Config)(nil)
