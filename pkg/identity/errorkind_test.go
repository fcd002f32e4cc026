package identity_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

func TestKindClassifiesEverySentinel(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want identity.ErrorKind
		text string
	}{
		{"nil", nil, identity.KindNone, "none"},
		{"forbidden", fmt.Errorf("%w: user.update on uid=a", identity.ErrForbidden), identity.KindForbidden, "forbidden"},
		{"throttled", &identity.RetryAfterError{Reason: "hashing bound full"}, identity.KindTooManyRequests, "too many requests"},
		{"unknown domain", fmt.Errorf("%w: %q", identity.ErrUnknownDomain, "x"), identity.KindUnknownDomain, "unknown domain"},
		{"not found", directory.ErrNotFound, identity.KindNotFound, "not found"},
		{"already exists", fmt.Errorf("%w: uid=a", directory.ErrAlreadyExists), identity.KindAlreadyExists, "already exists"},
		{"invalid credentials", directory.ErrInvalidCredentials, identity.KindInvalidCredentials, "invalid credentials"},
		{"core policy", &identity.PolicyError{Problems: []string{"too short"}}, identity.KindPasswordPolicy, "password policy violation"},
		{"directory policy", fmt.Errorf("%w: LDAP Result Code 19", directory.ErrPasswordPolicy), identity.KindPasswordPolicy, "password policy violation"},
		{"disabled", directory.ErrAccountDisabled, identity.KindAccountDisabled, "account disabled"},
		{"locked", directory.ErrAccountLocked, identity.KindAccountLocked, "account locked"},
		{"unavailable", fmt.Errorf("%w: dial tcp", directory.ErrUnavailable), identity.KindUnavailable, "directory unavailable"},
		{"protected", directory.ErrProtected, identity.KindProtected, "protected from deletion"},
		{"not empty", directory.ErrNotEmpty, identity.KindNotEmpty, "not empty"},
		{"validation", &identity.ValidationError{Field: "mail", Message: "not an address"}, identity.KindInvalidInput, "invalid input"},
		{"directory invalid", directory.ErrInvalidInput, identity.KindInvalidInput, "invalid input"},
		{"not supported", directory.ErrNotSupported, identity.KindNotSupported, "not supported by this directory"},
		{"transport", directory.ErrPasswordTransport, identity.KindPasswordTransport, directory.ErrPasswordTransport.Error()},
		{"range", directory.ErrRangeExhausted, identity.KindRangeExhausted, "id range exhausted"},
		{"conflict", directory.ErrConflict, identity.KindConflict, "concurrent modification"},
		{"misconfigured", fmt.Errorf("%w: default group", identity.ErrMisconfigured), identity.KindMisconfigured, "misconfigured"},
		{"deadline", fmt.Errorf("search: %w", context.DeadlineExceeded), identity.KindDeadlineExceeded, "context deadline exceeded"},
		{"canceled", context.Canceled, identity.KindCanceled, "context canceled"},
		{"anything else", errors.New("bolt: database not open"), identity.KindInternal, "internal error"},
		// Two sentinels: the kind declared first wins, as every list the
		// kinds replaced had it.
		{"logon of nobody (LDAP)", fmt.Errorf("%w: %w", directory.ErrInvalidCredentials, directory.ErrNotFound), identity.KindNotFound, "not found"},
		{"call cut short", fmt.Errorf("%w: search: %w", directory.ErrUnavailable, context.Canceled), identity.KindUnavailable, "directory unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := identity.Kind(tc.err)
			if got != tc.want {
				t.Errorf("Kind(%v) = %v, want %v", tc.err, got, tc.want)
			}
			if got.String() != tc.text {
				t.Errorf("Kind(%v).String() = %q, want %q", tc.err, got.String(), tc.text)
			}
		})
	}
}

// TestEveryKindHasItsSentinel: a kind added without its sentinel would be
// one Kind never returns.
func TestEveryKindHasItsSentinel(t *testing.T) {
	seen := map[string]identity.ErrorKind{}
	for k := identity.KindNone + 1; k < identity.KindInternal; k++ {
		text := k.String()
		if prev, dup := seen[text]; dup {
			t.Errorf("kinds %d and %d share the text %q", prev, k, text)
		}
		seen[text] = k
	}
}
