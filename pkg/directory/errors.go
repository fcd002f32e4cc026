package directory

import "errors"

// Sentinel errors of the Directory port. Backends wrap them with %w and keep
// their own diagnostic (an LDAP result message, a file path) in the wrapping
// text for logs; adapters decide what a client sees from the sentinel alone.
var (
	// ErrNotFound: the entry (or the parent it should live under) does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a user, group or OU with that name, DN or number exists.
	ErrAlreadyExists = errors.New("already exists")
	// ErrInvalidCredentials: the password given for a user is wrong, or the
	// user cannot authenticate at all.
	ErrInvalidCredentials = errors.New("invalid credentials")
	// ErrPasswordPolicy: the directory or the core refused a password
	// (length, complexity, history, containing the username ...).
	ErrPasswordPolicy = errors.New("password policy violation")
	// ErrAccountDisabled: the account is disabled by an administrator.
	ErrAccountDisabled = errors.New("account disabled")
	// ErrAccountLocked: the account is temporarily locked (too many failures,
	// or a manual lock).
	ErrAccountLocked = errors.New("account locked")
	// ErrUnavailable: the directory could not be reached or did not answer in
	// time. Callers may retry.
	ErrUnavailable = errors.New("directory unavailable")
	// ErrProtected: the entry is protected from deletion.
	ErrProtected = errors.New("protected from deletion")
	// ErrNotEmpty: an OU (or other container) still has children.
	ErrNotEmpty = errors.New("not empty")
	// ErrInvalidInput: a value the backend cannot store (a DN that does not
	// parse, a parent outside the base, an empty name, an unknown attribute).
	ErrInvalidInput = errors.New("invalid input")
	// ErrNotSupported: the backend does not offer this operation; see
	// Capabilities.
	ErrNotSupported = errors.New("not supported by this directory")
	// ErrPasswordTransport: the backend refuses to send a password over the
	// connection it has (Active Directory requires LDAPS or StartTLS).
	ErrPasswordTransport = errors.New("password cannot be sent over an unencrypted connection")
	// ErrRangeExhausted: every number in a uid/gid range is taken.
	ErrRangeExhausted = errors.New("id range exhausted")
	// ErrConflict: a concurrent change won; the operation may be retried.
	ErrConflict = errors.New("concurrent modification")
)
