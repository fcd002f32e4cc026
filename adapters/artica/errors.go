package artica

import (
	"context"
	"errors"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// failErr answers err in Artica's envelope. subject names what the request
// was about ("member jdupont", "group 5005") for not-found and
// already-exists answers. Only the sentinel decides the text, plus the
// core's own validation and policy messages: a backend's diagnostic is
// logged, never shown.
func (d *Dialect) failErr(c echo.Context, subject string, err error) error {
	if seconds, ok := identity.RetryAfter(err); ok {
		return tooManyRequests(c, seconds)
	}
	return fail(c, d.message(c, subject, err))
}

func (d *Dialect) message(c echo.Context, subject string, err error) string {
	var validation *identity.ValidationError
	var policy *identity.PolicyError
	switch {
	case errors.As(err, &validation):
		return validation.Error()
	case errors.As(err, &policy):
		return policy.Error()
	case errors.Is(err, directory.ErrNotFound):
		return subject + " not found"
	case errors.Is(err, directory.ErrAlreadyExists):
		return subject + " already exists"
	case errors.Is(err, identity.ErrForbidden):
		return "permission denied for " + subject
	case errors.Is(err, directory.ErrInvalidInput):
		return "invalid input for " + subject
	case errors.Is(err, directory.ErrPasswordPolicy):
		return "the password does not meet the directory's password policy"
	case errors.Is(err, directory.ErrUnavailable):
		return "the directory is unavailable, try again later"
	case errors.Is(err, directory.ErrConflict):
		return "a concurrent change won, try again"
	case errors.Is(err, directory.ErrRangeExhausted):
		return "no free uid/gid number is left in the configured range"
	case errors.Is(err, directory.ErrPasswordTransport):
		return directory.ErrPasswordTransport.Error()
	case errors.Is(err, directory.ErrNotSupported):
		return "not supported by this directory"
	case errors.Is(err, directory.ErrProtected):
		return subject + " is protected from deletion"
	case errors.Is(err, directory.ErrNotEmpty):
		return subject + " is not empty"
	case errors.Is(err, dialect.ErrBodyTooLarge):
		return "request body too large"
	case errors.Is(err, dialect.ErrTooManyResults):
		return err.Error()
	}
	d.log.Error("artica request failed", "subject", subject, "request_id", dialect.RequestID(c), "error", err)
	return "internal error"
}

// errorKind names the sentinel an error wraps, for texts that must not
// carry a server's diagnostic (a failed background restore).
func errorKind(err error) string {
	for _, s := range []error{
		identity.ErrForbidden, identity.ErrTooManyRequests, directory.ErrNotFound, directory.ErrAlreadyExists, directory.ErrInvalidInput,
		directory.ErrUnavailable, directory.ErrConflict, directory.ErrNotSupported, directory.ErrProtected,
		directory.ErrNotEmpty, directory.ErrPasswordPolicy, context.Canceled, context.DeadlineExceeded,
	} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return "internal error"
}
