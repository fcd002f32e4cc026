package identity

import (
	"context"
	"errors"
	"strings"

	"github.com/dirgate/dirgate/internal/throttle"
	"github.com/dirgate/dirgate/pkg/directory"
)

// SetThrottle puts every credential check under l: the passwords the core
// verifies (Authenticate, ChangePassword) and the secrets adapters compare
// themselves (BeginCheck). nil throttles nothing. Call it before serving.
func (s *Service) SetThrottle(l *throttle.Limiter) {
	s.throttle = l
	for _, d := range s.domains {
		d.throttle = l
	}
}

// CredentialCheck is one check of a secret that the throttle allowed.
// Exactly one of Failed, Succeeded or Abandoned ends it; a nil
// *CredentialCheck (no throttle) ignores them.
type CredentialCheck struct{ a *throttle.Attempt }

// Failed: the secret was wrong (or names nothing, or a disabled or locked
// account); it counts against the caller's limits.
func (k *CredentialCheck) Failed() {
	if k != nil {
		k.a.Failed()
	}
}

// Succeeded: the secret was right; it costs the caller nothing.
func (k *CredentialCheck) Succeeded() {
	if k != nil {
		k.a.Succeeded()
	}
}

// Abandoned: the check could not be made (the directory did not answer).
func (k *CredentialCheck) Abandoned() {
	if k != nil {
		k.a.Abandoned()
	}
}

// BeginCheck asks the throttle whether the caller's address may have a
// secret checked that the adapter compares itself (an API key, an API
// token). account names what the secret opens, "" when it opens no
// directory account. A throttled caller gets a *RetryAfterError
// (ErrTooManyRequests) and the secret must not be compared.
func (s *Service) BeginCheck(c Caller, account string) (*CredentialCheck, error) {
	return begin(s.throttle, c, account)
}

// BeginCheck is Service.BeginCheck for an adapter that holds a domain.
func (d *Domain) BeginCheck(c Caller, account string) (*CredentialCheck, error) {
	return begin(d.throttle, c, account)
}

func begin(l *throttle.Limiter, c Caller, account string) (*CredentialCheck, error) {
	if l == nil {
		return nil, nil
	}
	a, wait := l.Begin(c.Address, account)
	if a == nil {
		return nil, &RetryAfterError{After: wait, Reason: "credential checks throttled for the client address"}
	}
	return &CredentialCheck{a: a}, nil
}

// beginPasswordCheck is the throttle's gate before the directory verifies
// a password of the user ref names. The account is the domain and the
// username, case-folded and with spaces collapsed as LDAP's caseIgnoreMatch
// compares them, so every dialect and every spelling of a name shares the
// one budget. A ref that is not a name is read first to learn it.
func (d *Domain) beginPasswordCheck(ctx context.Context, c Caller, ref directory.Ref) (*CredentialCheck, error) {
	if d.throttle == nil {
		return nil, nil
	}
	name := ref.Value
	if ref.Kind != directory.RefName {
		u, err := d.dir.GetUser(ctx, ref)
		switch {
		case err == nil:
			name = u.Username
		case errors.Is(err, directory.ErrNotFound):
			name = ref.String() // counted all the same: the address pays for it
		default:
			return nil, err
		}
	}
	return d.beginNamedCheck(c, name)
}

// beginNamedCheck is the throttle's gate before a password check of the
// account of that username (which need not exist).
func (d *Domain) beginNamedCheck(c Caller, name string) (*CredentialCheck, error) {
	if d.throttle == nil {
		return nil, nil
	}
	account := strings.ToLower(d.cfg.Name) + "\x00" + strings.ToLower(strings.Join(strings.Fields(name), " "))
	return begin(d.throttle, c, account)
}

// endPasswordCheck records the outcome of a verification: a wrong
// password, an unknown user and a disabled or locked account are failures
// (a client learns nothing from them, and could otherwise probe for free);
// the directory failing to answer is not the client's doing.
func endPasswordCheck(k *CredentialCheck, err error) {
	switch Kind(err) {
	case KindNone:
		k.Succeeded()
	case KindInvalidCredentials, KindNotFound, KindAccountDisabled, KindAccountLocked, KindInvalidInput:
		k.Failed()
	default:
		k.Abandoned()
	}
}
