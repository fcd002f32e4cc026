package ldap

import (
	"context"
	"errors"
	"fmt"
	"net"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// sentinelFor maps an LDAP result code to the port's sentinel. Codes not
// listed are server trouble the caller may retry: ErrUnavailable.
func sentinelFor(code uint16) error {
	switch code {
	case ldap.LDAPResultNoSuchObject, ldap.LDAPResultNoSuchAttribute:
		return directory.ErrNotFound
	case ldap.LDAPResultEntryAlreadyExists, ldap.LDAPResultAttributeOrValueExists:
		return directory.ErrAlreadyExists
	case ldap.LDAPResultInvalidCredentials, ldap.LDAPResultInappropriateAuthentication:
		return directory.ErrInvalidCredentials
	case ldap.LDAPResultConstraintViolation:
		return directory.ErrPasswordPolicy
	case ldap.LDAPResultNotAllowedOnNonLeaf:
		return directory.ErrNotEmpty
	case ldap.LDAPResultInvalidDNSyntax, ldap.LDAPResultNamingViolation,
		ldap.LDAPResultObjectClassViolation, ldap.LDAPResultInvalidAttributeSyntax,
		ldap.LDAPResultUndefinedAttributeType, ldap.LDAPResultInappropriateMatching,
		ldap.LDAPResultNotAllowedOnRDN, ldap.LDAPResultObjectClassModsProhibited,
		ldap.LDAPResultFilterError:
		return directory.ErrInvalidInput
	case ldap.LDAPResultInsufficientAccessRights, ldap.LDAPResultUnwillingToPerform,
		ldap.LDAPResultUnavailableCriticalExtension, ldap.LDAPResultSizeLimitExceeded,
		ldap.LDAPResultAffectsMultipleDSAs:
		// The server will not do it for this service account; retrying
		// does not help.
		return directory.ErrNotSupported
	default:
		// busy, unavailable, server down, time limit, referral (not
		// chased), network errors, and anything unexpected.
		return directory.ErrUnavailable
	}
}

// resultCode returns the LDAP result code of err, or 0 when err is not an
// LDAP result.
func resultCode(err error) uint16 {
	var le *ldap.Error
	if errors.As(err, &le) {
		return le.ResultCode
	}
	return 0
}

// isCode reports whether err is an LDAP result with one of the codes.
func isCode(err error, codes ...uint16) bool {
	c := resultCode(err)
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// wrap turns an error of an LDAP call into one wrapping the port's
// sentinel, keeping the LDAP diagnostic (result name and the server's
// message) in the text for logs. what says what was being done.
func wrap(err error, what string) error {
	if err == nil {
		return nil
	}
	if ours(err) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: %s: %w", directory.ErrUnavailable, what, err)
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return fmt.Errorf("%w: %s: %v", directory.ErrUnavailable, what, err)
	}
	code := resultCode(err)
	if code == 0 {
		return fmt.Errorf("%w: %s: %v", directory.ErrUnavailable, what, err)
	}
	return fmt.Errorf("%w: %s: %v", sentinelFor(code), what, err)
}

// wrapAs wraps err with a chosen sentinel, for results whose meaning
// depends on the operation (a constraint violation on add is a taken
// name, on a password change a policy refusal).
func wrapAs(sentinel, err error, what string) error {
	return fmt.Errorf("%w: %s: %v", sentinel, what, err)
}

// isNetwork reports whether err means the connection is unusable.
func isNetwork(err error) bool {
	if err == nil {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	switch resultCode(err) {
	case ldap.ErrorNetwork, ldap.LDAPResultServerDown, ldap.LDAPResultTimeout,
		ldap.LDAPResultConnectError:
		return true
	}
	return false
}

var sentinels = []error{
	directory.ErrNotFound, directory.ErrAlreadyExists, directory.ErrInvalidCredentials,
	directory.ErrPasswordPolicy, directory.ErrAccountDisabled, directory.ErrAccountLocked,
	directory.ErrUnavailable, directory.ErrProtected, directory.ErrNotEmpty,
	directory.ErrInvalidInput, directory.ErrNotSupported, directory.ErrPasswordTransport,
	directory.ErrRangeExhausted, directory.ErrConflict,
}

// ours reports whether err already wraps one of the port's sentinels.
func ours(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func notFound(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{directory.ErrNotFound}, args...)...)
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{directory.ErrInvalidInput}, args...)...)
}

// missingAfterAdd maps the failure of a step that follows the successful
// add of dn (setting the new user's password, reading the entry back).
// "Not found" there cannot be the caller's doing: the step went to
// another server (the one that took the add went away, a failover) that
// has not received the entry yet. It is the directory failing, so
// ErrUnavailable, not a "no such user" that dialects would turn into a
// 404 or a validation failure of the create.
func missingAfterAdd(err error, dn string) error {
	if errors.Is(err, directory.ErrNotFound) {
		return fmt.Errorf("%w: %s was added, then not found on the server that answered next (failover, replication behind): %v",
			directory.ErrUnavailable, dn, err)
	}
	return err
}
