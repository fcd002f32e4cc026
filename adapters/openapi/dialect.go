package openapi

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/tokenmemo"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Dialect serves the OpenAPI users/groups/principals API over one domain.
type Dialect struct {
	cfg       *Config
	domain    *identity.Domain
	log       *slog.Logger
	logins    *signer
	invites   *signer
	now       func() time.Time
	documents documents

	// verifiedLogins remembers login tokens verified before (their
	// claims, not their user: that is read on every request).
	verifiedLogins *tokenmemo.Memo[loginClaims]
}

func newDialect(cfg *Config, deps dialect.Deps) (*Dialect, error) {
	if deps.Core == nil {
		return nil, fmt.Errorf("%s: no core service", Name)
	}
	domain := deps.Core.Default()
	if cfg.Domain != "" {
		var err error
		if domain, err = deps.Core.Domain(cfg.Domain); err != nil {
			return nil, fmt.Errorf("%s: domain: %w", Name, err)
		}
	}
	log := deps.Log
	if log == nil {
		log = slog.Default()
	}
	d := &Dialect{
		cfg:    cfg,
		domain: domain,
		log:    log,
		now:    time.Now,
	}
	now := func() time.Time { return d.now() }
	d.logins = newSigner(cfg.JWTSecret, cfg.PreviousJWTSecrets, loginAudience, cfg.TokenLifetime, now)
	d.verifiedLogins = tokenmemo.New[loginClaims](verifiedLogins)
	d.invites = newSigner(cfg.Invitations.Secret, nil, invitationAudience, cfg.Invitations.Lifetime, now)
	return d, nil
}

// Name is the dialect's configuration key.
func (d *Dialect) Name() string { return Name }
