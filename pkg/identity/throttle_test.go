package identity_test

import (
	"errors"
	"net/netip"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/internal/throttle"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestThrottleKeepsAttackerBelowLockout: wrong passwords from one address
// are refused with ErrTooManyRequests before the store counts them, so the
// store's lockout (5 failures) is never reached and the owner, from
// another address, logs in. Every spelling of the name and a lookup by id
// (privacyIDEA's) share the one budget, and so does a password change.
func TestThrottleKeepsAttackerBelowLockout(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, "dc=example,dc=com")
	env.Core.SetThrottle(throttle.New(throttle.DefaultConfig()))
	ctx := t.Context()
	u, err := env.Dir.CreateUser(ctx, directory.NewUser{ParentDN: "ou=people,dc=example,dc=com",
		Username: "alice", Surname: "A", Password: "Correct-horse-9"})
	if err != nil {
		t.Fatal(err)
	}
	attacker := identity.Caller{Name: "x", Dialect: "test", Address: netip.MustParseAddr("192.0.2.1")}
	owner := identity.Caller{Name: "alice", Dialect: "test", Address: netip.MustParseAddr("198.51.100.7")}

	var wrong, throttled int
	for _, ref := range []directory.Ref{
		directory.ByName("alice"), directory.ByName(" ALICE "), directory.ByID(u.ID), directory.ByName("Alice"),
		directory.ByName("alice"), directory.ByID(u.ID), directory.ByName("alice"), directory.ByName("alice"),
	} {
		_, err := env.Domain.Authenticate(ctx, attacker, ref, "guess")
		switch {
		case errors.Is(err, directory.ErrInvalidCredentials):
			wrong++
		case errors.Is(err, identity.ErrTooManyRequests):
			throttled++
			if s, ok := identity.RetryAfter(err); !ok || s < 60 {
				t.Errorf("Retry-After %d s, want the 15-minute refill", s)
			}
		default:
			t.Fatalf("attempt by %s: %v", ref, err)
		}
	}
	err = env.Domain.ChangePassword(ctx, attacker, directory.ByID(u.ID), "guess", "New-password-42")
	if !errors.Is(err, identity.ErrTooManyRequests) {
		t.Errorf("password change past the budget: %v, want ErrTooManyRequests", err)
	}
	if wrong != 3 || throttled != 5 {
		t.Fatalf("%d wrong passwords reached the store and %d were throttled, want 3 and 5", wrong, throttled)
	}
	got, err := env.Dir.GetUser(ctx, directory.ByID(u.ID))
	if err != nil {
		t.Fatal(err)
	}
	if got.Lock.Locked {
		t.Fatal("the attacker locked the account")
	}
	if _, err := env.Domain.Authenticate(ctx, owner, directory.ByName("alice"), "Correct-horse-9"); err != nil {
		t.Fatalf("the owner from another address: %v", err)
	}
}
