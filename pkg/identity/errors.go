package identity

import (
	"errors"
	"fmt"

	"github.com/dirgate/dirgate/pkg/directory"
)

var (
	// ErrForbidden: the caller's scope does not allow the operation.
	ErrForbidden = errors.New("forbidden")
	// ErrUnknownDomain: no domain of that name is configured.
	ErrUnknownDomain = errors.New("unknown domain")
	// ErrMisconfigured: the configuration asks for something the core
	// refuses to do (a default primary group that is an admin group).
	ErrMisconfigured = errors.New("misconfigured")
)

// ValidationError says which input field is wrong and why. It wraps
// directory.ErrInvalidInput, so adapters need test only that sentinel.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Unwrap makes errors.Is(err, directory.ErrInvalidInput) true.
func (e *ValidationError) Unwrap() error { return directory.ErrInvalidInput }

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// forbidden builds an ErrForbidden naming what was refused.
func forbidden(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrForbidden, fmt.Sprintf(format, args...))
}

// PolicyError lists every rule a password broke. It wraps
// directory.ErrPasswordPolicy.
type PolicyError struct {
	Problems []string
}

func (e *PolicyError) Error() string {
	msg := "password does not meet the policy"
	for i, p := range e.Problems {
		if i == 0 {
			msg += ": "
		} else {
			msg += "; "
		}
		msg += p
	}
	return msg
}

// Unwrap makes errors.Is(err, directory.ErrPasswordPolicy) true.
func (e *PolicyError) Unwrap() error { return directory.ErrPasswordPolicy }

func isNotFound(err error) bool { return errors.Is(err, directory.ErrNotFound) }
