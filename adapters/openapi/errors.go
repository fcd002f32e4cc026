package openapi

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// apiError is a failure as the client sees it: a status and a message that
// is safe to show. cause keeps the underlying error for the server log.
type apiError struct {
	status  int
	message string
	cause   error
	// retryAfter, when set, is sent as the Retry-After header (seconds).
	retryAfter int
}

func (e *apiError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%d %s: %v", e.status, e.message, e.cause)
	}
	return fmt.Sprintf("%d %s", e.status, e.message)
}

func (e *apiError) Unwrap() error { return e.cause }

func newError(status int, format string, args ...any) *apiError {
	return &apiError{status: status, message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return newError(http.StatusBadRequest, format, args...)
}

func unauthorized(format string, args ...any) *apiError {
	return newError(http.StatusUnauthorized, format, args...)
}

func forbidden(format string, args ...any) *apiError {
	return newError(http.StatusForbidden, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return newError(http.StatusNotFound, format, args...)
}

func preconditionFailed(format string, args ...any) *apiError {
	return newError(http.StatusPreconditionFailed, format, args...)
}

// Messages the client sees for failures whose detail stays in the log.
const (
	msgBadCredentials = "invalid username or password"
	msgInternal       = "internal error"
)

// coreError maps an error of the core (or the directory behind it) to what
// the client sees. subject names the entry the request was about ("user
// \"3f2…\"") for not-found and already-exists messages. Only the core's own
// messages (validation, policy, scope) are shown; a backend's diagnostic
// never is.
func coreError(err error, subject string) *apiError {
	var api *apiError
	if errors.As(err, &api) {
		return api
	}
	wrap := func(status int, msg string) *apiError { return &apiError{status: status, message: msg, cause: err} }
	// The server's own refusals, which no kind of the core names.
	switch {
	case errors.Is(err, dialect.ErrTooManyResults):
		return &apiError{status: http.StatusBadRequest, message: err.Error(), cause: err}
	case errors.Is(err, dialect.ErrBodyTooLarge):
		return wrap(http.StatusRequestEntityTooLarge, "request body too large")
	}
	switch identity.Kind(err) {
	case identity.KindTooManyRequests:
		seconds, _ := identity.RetryAfter(err)
		return &apiError{status: http.StatusTooManyRequests, retryAfter: seconds, cause: err,
			message: fmt.Sprintf("too many requests; retry after %d seconds", seconds)}
	case identity.KindInvalidInput:
		// The core's validation names the field and the rule: shown.
		var validation *identity.ValidationError
		if errors.As(err, &validation) {
			return wrap(http.StatusBadRequest, validation.Error())
		}
		return wrap(http.StatusBadRequest, "invalid input: the directory refused a value")
	case identity.KindPasswordPolicy:
		// The core's policy lists the rules broken: shown.
		var policy *identity.PolicyError
		if errors.As(err, &policy) {
			return wrap(http.StatusUnprocessableEntity, policy.Error())
		}
		return wrap(http.StatusUnprocessableEntity, "the directory refused the password: it does not meet the password policy")
	case identity.KindForbidden:
		return wrap(http.StatusForbidden, err.Error())
	case identity.KindNotFound:
		return wrap(http.StatusNotFound, orDefault(subject, "entry")+" not found")
	case identity.KindAlreadyExists:
		return wrap(http.StatusConflict, orDefault(subject, "an entry with that name or number")+" already exists")
	case identity.KindConflict:
		return wrap(http.StatusConflict, "the entry was changed concurrently; retry")
	case identity.KindInvalidCredentials:
		return wrap(http.StatusUnauthorized, msgBadCredentials)
	case identity.KindAccountDisabled:
		return wrap(http.StatusUnauthorized, "account is disabled")
	case identity.KindAccountLocked:
		return wrap(http.StatusUnauthorized, "account is locked")
	case identity.KindProtected:
		return wrap(http.StatusPreconditionFailed, orDefault(subject, "entry")+" is protected from deletion")
	case identity.KindNotEmpty:
		return wrap(http.StatusPreconditionFailed, orDefault(subject, "entry")+" is not empty")
	case identity.KindNotSupported:
		return wrap(http.StatusPreconditionFailed, "not supported by this directory")
	case identity.KindUnavailable:
		return wrap(http.StatusServiceUnavailable, "directory unavailable; retry later")
	case identity.KindPasswordTransport:
		// A configuration problem: the sentinel's text says what to fix and
		// holds no server detail.
		return wrap(http.StatusInternalServerError, directory.ErrPasswordTransport.Error())
	case identity.KindRangeExhausted:
		return wrap(http.StatusInternalServerError, directory.ErrRangeExhausted.Error())
	}
	return wrap(http.StatusInternalServerError, msgInternal)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
