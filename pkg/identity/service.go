package identity

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/dirgate/dirgate/internal/throttle"
	"github.com/dirgate/dirgate/pkg/directory"
)

// DomainConfig is the core's view of one domain.
type DomainConfig struct {
	// Name is how dialects select the domain (AD-web FQDN, e.g.
	// "example.com").
	Name string
	// UsersDN and GroupsDN are where users and groups are created when a
	// dialect does not say (default ou=people and ou=groups under the base).
	UsersDN  string
	GroupsDN string
	// DefaultGroup names the primary group of users created without one,
	// made in GroupsDN the first time it is needed (default
	// dirgate-users). DefaultGIDNumber, when not 0, is used instead.
	DefaultGroup     string
	DefaultGIDNumber int64
	// AdminGroups are the groups whose members some dialect makes
	// administrators; the default primary group must not be one of them.
	AdminGroups []string
	// HomeDirectory is the home of new users; "%s" stands for the username.
	HomeDirectory  string
	UIDRange       directory.Range
	GIDRange       directory.Range
	PasswordPolicy PasswordPolicy
	Names          NameRules
	// Hashing bounds the password work; share one among every domain of a
	// process. nil: a bound of the default limits for this domain alone.
	Hashing *HashingBound
}

// withDefaults fills what the configuration left empty, relative to the
// directory's base.
func (c DomainConfig) withDefaults(base string) DomainConfig {
	if c.UsersDN == "" {
		c.UsersDN = "ou=people," + base
	}
	if c.GroupsDN == "" {
		c.GroupsDN = "ou=groups," + base
	}
	if c.HomeDirectory == "" {
		c.HomeDirectory = "/home/%s"
	}
	if c.UIDRange == (directory.Range{}) {
		c.UIDRange = directory.Range{Min: 10000, Max: 59999}
	}
	if c.GIDRange == (directory.Range{}) {
		c.GIDRange = directory.Range{Min: 10000, Max: 59999}
	}
	if c.DefaultGroup == "" {
		c.DefaultGroup = DefaultUsersGroup
	}
	if c.PasswordPolicy == (PasswordPolicy{}) {
		c.PasswordPolicy = DefaultPasswordPolicy()
	}
	if c.Names == (NameRules{}) {
		c.Names = DefaultNameRules()
	}
	if c.Hashing == nil {
		c.Hashing = NewHashingBound(HashingLimits{})
	}
	return c
}

// Service is the core: the configured domains and the audit log.
type Service struct {
	domains  []*Domain
	byName   map[string]*Domain
	throttle *throttle.Limiter
}

// NewService builds the core over domains; the first is the default.
func NewService(domains ...*Domain) (*Service, error) {
	if len(domains) == 0 {
		return nil, errors.New("identity: at least one domain is required")
	}
	s := &Service{domains: domains, byName: make(map[string]*Domain, len(domains))}
	for _, d := range domains {
		key := strings.ToLower(d.cfg.Name)
		if _, dup := s.byName[key]; dup {
			return nil, fmt.Errorf("identity: domain %q configured twice", d.cfg.Name)
		}
		s.byName[key] = d
	}
	return s, nil
}

// Domain returns the domain of that name (case-insensitive), or
// ErrUnknownDomain.
func (s *Service) Domain(name string) (*Domain, error) {
	d, ok := s.byName[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownDomain, name)
	}
	return d, nil
}

// Default returns the first configured domain.
func (s *Service) Default() *Domain { return s.domains[0] }

// Domains returns every domain, the default first.
func (s *Service) Domains() []*Domain { return slices.Clone(s.domains) }

// Ready checks every domain's directory.
func (s *Service) Ready(ctx context.Context) error {
	for _, d := range s.domains {
		if _, err := d.dir.Health(ctx); err != nil {
			return fmt.Errorf("domain %s: %w", d.cfg.Name, err)
		}
	}
	return nil
}

// Close closes every domain's directory.
func (s *Service) Close() error {
	var errs []error
	for _, d := range s.domains {
		errs = append(errs, d.dir.Close())
	}
	return errors.Join(errs...)
}

// Domain is one directory with its rules. Its methods are what adapters
// call.
type Domain struct {
	cfg   DomainConfig
	dir   directory.Directory
	audit *AuditLog
	log   *slog.Logger
	// nobody is an id no entry has: RefuseLogon checks a password against
	// it, so that the directory spends what a wrong password costs.
	nobody string
	// throttle limits password checks (Service.SetThrottle); nil: none.
	throttle *throttle.Limiter
	// defGroup caches the primary group of users created without one.
	defGroup defaultGroup
}

// NewDomain wraps a directory with the core's rules. audit may be nil (no
// audit log); log may be nil (slog.Default()).
func NewDomain(cfg DomainConfig, dir directory.Directory, audit *AuditLog, log *slog.Logger) *Domain {
	if log == nil {
		log = slog.Default()
	}
	return &Domain{cfg: cfg.withDefaults(dir.BaseDN()), dir: dir, audit: audit, log: log, nobody: uuid.NewString()}
}

// Name is the domain's configured name.
func (d *Domain) Name() string { return d.cfg.Name }

// BaseDN is the root of the domain's tree.
func (d *Domain) BaseDN() string { return d.dir.BaseDN() }

// Config returns the domain's rules with defaults filled in.
func (d *Domain) Config() DomainConfig { return d.cfg }

// Capabilities tells what the domain's directory can do.
func (d *Domain) Capabilities() directory.Capabilities { return d.dir.Capabilities() }

// PasswordPolicy is the domain's password policy.
func (d *Domain) PasswordPolicy() PasswordPolicy { return d.cfg.PasswordPolicy }

// finish writes the audit line of a write and returns its error unchanged.
func (d *Domain) finish(c Caller, op Operation, target string, err error) error {
	if op.IsWrite() {
		d.audit.record(c, d.cfg.Name, op, target, err)
	}
	if err != nil && !isClientError(err) {
		d.log.Warn("directory operation failed", "operation", op, "target", target,
			"dialect", c.Dialect, "request_id", c.RequestID, "error", err)
	}
	return err
}

// isClientError: failures caused by the request, not worth a warning.
func isClientError(err error) bool {
	switch Kind(err) {
	case KindForbidden, KindTooManyRequests, KindNotFound, KindAlreadyExists, KindInvalidCredentials,
		KindPasswordPolicy, KindAccountDisabled, KindAccountLocked, KindProtected, KindNotEmpty, KindInvalidInput:
		return true
	}
	return false
}
