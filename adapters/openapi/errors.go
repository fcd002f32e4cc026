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
	var validation *identity.ValidationError
	var policy *identity.PolicyError
	switch {
	case errors.Is(err, dialect.ErrTooManyResults):
		return &apiError{status: http.StatusBadRequest, message: err.Error(), cause: err}
	case errors.Is(err, identity.ErrTooManyRequests):
		seconds, _ := identity.RetryAfter(err)
		return &apiError{status: http.StatusTooManyRequests, retryAfter: seconds, cause: err,
			message: fmt.Sprintf("too many requests; retry after %d seconds", seconds)}
	case errors.Is(err, dialect.ErrBodyTooLarge):
		return wrap(http.StatusRequestEntityTooLarge, "request body too large")
	case errors.As(err, &validation):
		return wrap(http.StatusBadRequest, validation.Error())
	case errors.As(err, &policy):
		return wrap(http.StatusUnprocessableEntity, policy.Error())
	case errors.Is(err, directory.ErrPasswordPolicy):
		return wrap(http.StatusUnprocessableEntity, "the directory refused the password: it does not meet the password policy")
	case errors.Is(err, identity.ErrForbidden):
		return wrap(http.StatusForbidden, err.Error())
	case errors.Is(err, directory.ErrNotFound):
		return wrap(http.StatusNotFound, orDefault(subject, "entry")+" not found")
	case errors.Is(err, directory.ErrAlreadyExists):
		return wrap(http.StatusConflict, orDefault(subject, "an entry with that name or number")+" already exists")
	case errors.Is(err, directory.ErrConflict):
		return wrap(http.StatusConflict, "the entry was changed concurrently; retry")
	case errors.Is(err, directory.ErrInvalidCredentials):
		return wrap(http.StatusUnauthorized, msgBadCredentials)
	case errors.Is(err, directory.ErrAccountDisabled):
		return wrap(http.StatusUnauthorized, "account is disabled")
	case errors.Is(err, directory.ErrAccountLocked):
		return wrap(http.StatusUnauthorized, "account is locked")
	case errors.Is(err, directory.ErrInvalidInput):
		return wrap(http.StatusBadRequest, "invalid input: the directory refused a value")
	case errors.Is(err, directory.ErrProtected):
		return wrap(http.StatusPreconditionFailed, orDefault(subject, "entry")+" is protected from deletion")
	case errors.Is(err, directory.ErrNotEmpty):
		return wrap(http.StatusPreconditionFailed, orDefault(subject, "entry")+" is not empty")
	case errors.Is(err, directory.ErrNotSupported):
		return wrap(http.StatusPreconditionFailed, "not supported by this directory")
	case errors.Is(err, directory.ErrUnavailable):
		return wrap(http.StatusServiceUnavailable, "directory unavailable; retry later")
	case errors.Is(err, directory.ErrPasswordTransport):
		// A configuration problem: the sentinel's text says what to fix and
		// holds no server detail.
		return wrap(http.StatusInternalServerError, directory.ErrPasswordTransport.Error())
	case errors.Is(err, directory.ErrRangeExhausted):
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
