package artica

import (
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
	switch identity.Kind(err) {
	case identity.KindInvalidInput:
		// The core's validation names the field and the rule: shown.
		var validation *identity.ValidationError
		if errors.As(err, &validation) {
			return validation.Error()
		}
		return "invalid input for " + subject
	case identity.KindPasswordPolicy:
		// The core's policy lists the rules broken: shown.
		var policy *identity.PolicyError
		if errors.As(err, &policy) {
			return policy.Error()
		}
		return "the password does not meet the directory's password policy"
	case identity.KindNotFound:
		return subject + " not found"
	case identity.KindAlreadyExists:
		return subject + " already exists"
	case identity.KindForbidden:
		return "permission denied for " + subject
	case identity.KindUnavailable:
		return "the directory is unavailable, try again later"
	case identity.KindConflict:
		return "a concurrent change won, try again"
	case identity.KindRangeExhausted:
		return "no free uid/gid number is left in the configured range"
	case identity.KindPasswordTransport:
		return directory.ErrPasswordTransport.Error()
	case identity.KindNotSupported:
		return "not supported by this directory"
	case identity.KindProtected:
		return subject + " is protected from deletion"
	case identity.KindNotEmpty:
		return subject + " is not empty"
	}
	// The server's own refusals, which no kind of the core names.
	switch {
	case errors.Is(err, dialect.ErrBodyTooLarge):
		return "request body too large"
	case errors.Is(err, dialect.ErrTooManyResults):
		return err.Error()
	}
	d.log.Error("artica request failed", "subject", subject, "request_id", dialect.RequestID(c), "error", err)
	return "internal error"
}
