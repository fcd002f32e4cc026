package identity

import (
	"context"
	"errors"

	"github.com/dirgate/dirgate/pkg/directory"
)

// ErrorKind is the one vocabulary of failures: what went wrong, as the
// sentinels of the core and of the directory port say it. Adapters map a
// kind to their envelope in one table; the audit log and the metrics name
// it. A backend's diagnostic is never part of a kind.
type ErrorKind uint8

// The kinds, in the order Kind tries their sentinels: where an error wraps
// two (an LDAP logon of a user that does not exist is invalid credentials
// wrapping not-found; a directory call cut short by its context is
// unavailable wrapping the context's error), the first listed wins.
const (
	// KindNone is the kind of a nil error.
	KindNone ErrorKind = iota
	KindForbidden
	KindTooManyRequests
	KindUnknownDomain
	KindNotFound
	KindAlreadyExists
	KindInvalidCredentials
	KindPasswordPolicy
	KindAccountDisabled
	KindAccountLocked
	KindUnavailable
	KindProtected
	KindNotEmpty
	KindInvalidInput
	KindNotSupported
	KindPasswordTransport
	KindRangeExhausted
	KindConflict
	KindMisconfigured
	KindDeadlineExceeded
	KindCanceled
	// KindInternal is any other failure: one no sentinel names.
	KindInternal
)

// sentinelOf is each kind's sentinel, indexed by kind.
var sentinelOf = [...]error{
	KindForbidden:          ErrForbidden,
	KindTooManyRequests:    ErrTooManyRequests,
	KindUnknownDomain:      ErrUnknownDomain,
	KindNotFound:           directory.ErrNotFound,
	KindAlreadyExists:      directory.ErrAlreadyExists,
	KindInvalidCredentials: directory.ErrInvalidCredentials,
	KindPasswordPolicy:     directory.ErrPasswordPolicy,
	KindAccountDisabled:    directory.ErrAccountDisabled,
	KindAccountLocked:      directory.ErrAccountLocked,
	KindUnavailable:        directory.ErrUnavailable,
	KindProtected:          directory.ErrProtected,
	KindNotEmpty:           directory.ErrNotEmpty,
	KindInvalidInput:       directory.ErrInvalidInput,
	KindNotSupported:       directory.ErrNotSupported,
	KindPasswordTransport:  directory.ErrPasswordTransport,
	KindRangeExhausted:     directory.ErrRangeExhausted,
	KindConflict:           directory.ErrConflict,
	KindMisconfigured:      ErrMisconfigured,
	KindDeadlineExceeded:   context.DeadlineExceeded,
	KindCanceled:           context.Canceled,
	KindInternal:           nil,
}

// Kind classifies err by the first sentinel it wraps (errors.Is), in the
// order of the kinds' declaration. A ValidationError is KindInvalidInput
// and a PolicyError KindPasswordPolicy: an adapter that shows their
// message asks errors.As for it within that kind.
func Kind(err error) ErrorKind {
	if err == nil {
		return KindNone
	}
	for k := KindNone + 1; k < KindInternal; k++ {
		if errors.Is(err, sentinelOf[k]) {
			return k
		}
	}
	return KindInternal
}

// String is the text of the kind's sentinel ("not found", "directory
// unavailable", "context canceled"), "internal error" for KindInternal:
// the words the audit log and the metrics have always used.
func (k ErrorKind) String() string {
	switch {
	case k == KindNone:
		return "none"
	case k >= KindInternal:
		return "internal error"
	}
	return sentinelOf[k].Error()
}
