package scim

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// scimType values of RFC 7644 section 3.12.
const (
	typeInvalidFilter = "invalidFilter"
	typeTooMany       = "tooMany"
	typeUniqueness    = "uniqueness"
	typeMutability    = "mutability"
	typeInvalidSyntax = "invalidSyntax"
	typeInvalidPath   = "invalidPath"
	typeNoTarget      = "noTarget"
	typeInvalidValue  = "invalidValue"
	typeInvalidVers   = "invalidVers"
)

// scimError is a failure as the client sees it. cause keeps the underlying
// error for the server log; it is never shown.
type scimError struct {
	status   int
	scimType string
	detail   string
	cause    error
	// retryAfter, when set, is sent as the Retry-After header (seconds).
	retryAfter int
}

func (e *scimError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%d %s: %s: %v", e.status, e.scimType, e.detail, e.cause)
	}
	return fmt.Sprintf("%d %s: %s", e.status, e.scimType, e.detail)
}

func (e *scimError) Unwrap() error { return e.cause }

func newError(status int, scimType, format string, args ...any) *scimError {
	return &scimError{status: status, scimType: scimType, detail: fmt.Sprintf(format, args...)}
}

func badRequest(scimType, format string, args ...any) *scimError {
	return newError(http.StatusBadRequest, scimType, format, args...)
}

func notFound(format string, args ...any) *scimError {
	return newError(http.StatusNotFound, "", format, args...)
}

// fromCore maps an error of the core (or the directory behind it) to what
// the client sees; subject names the resource ("User \"…\""). Only the
// core's own messages (validation, policy, scope) are shown, never a
// backend's diagnostic.
func fromCore(err error, subject string) *scimError {
	var se *scimError
	if errors.As(err, &se) {
		return se
	}
	wrap := func(status int, scimType, msg string) *scimError {
		return &scimError{status: status, scimType: scimType, detail: msg, cause: err}
	}
	if subject == "" {
		subject = "resource"
	}
	var validation *identity.ValidationError
	var policy *identity.PolicyError
	switch {
	case errors.Is(err, identity.ErrTooManyRequests):
		seconds, _ := identity.RetryAfter(err)
		return &scimError{status: http.StatusTooManyRequests, retryAfter: seconds, cause: err,
			detail: fmt.Sprintf("too many requests; retry after %d seconds", seconds)}
	case errors.Is(err, dialect.ErrBodyTooLarge):
		return wrap(http.StatusRequestEntityTooLarge, "", "request body too large")
	case errors.Is(err, dialect.ErrTooManyResults):
		return wrap(http.StatusBadRequest, typeTooMany, err.Error())
	case errors.As(err, &validation):
		return wrap(http.StatusBadRequest, typeInvalidValue, validation.Error())
	case errors.As(err, &policy):
		return wrap(http.StatusBadRequest, typeInvalidValue, policy.Error())
	case errors.Is(err, directory.ErrPasswordPolicy):
		return wrap(http.StatusBadRequest, typeInvalidValue, "the directory refused the password: it does not meet the password policy")
	case errors.Is(err, identity.ErrForbidden):
		return wrap(http.StatusForbidden, "", err.Error())
	case errors.Is(err, directory.ErrNotFound):
		return wrap(http.StatusNotFound, "", subject+" not found")
	case errors.Is(err, directory.ErrAlreadyExists):
		return wrap(http.StatusConflict, typeUniqueness, subject+": a resource with that name or number already exists")
	case errors.Is(err, directory.ErrConflict):
		return wrap(http.StatusConflict, "", "the resource was changed concurrently; retry")
	case errors.Is(err, directory.ErrInvalidInput):
		return wrap(http.StatusBadRequest, typeInvalidValue, "the directory refused a value")
	case errors.Is(err, directory.ErrProtected), errors.Is(err, directory.ErrNotEmpty):
		return wrap(http.StatusConflict, "", subject+" cannot be deleted: "+protectedReason(err))
	case errors.Is(err, directory.ErrNotSupported):
		return wrap(http.StatusBadRequest, typeInvalidValue, "not supported by this directory")
	case errors.Is(err, directory.ErrUnavailable):
		return wrap(http.StatusServiceUnavailable, "", "directory unavailable; retry later")
	case errors.Is(err, directory.ErrPasswordTransport):
		return wrap(http.StatusInternalServerError, "", directory.ErrPasswordTransport.Error())
	case errors.Is(err, directory.ErrRangeExhausted):
		return wrap(http.StatusInternalServerError, "", directory.ErrRangeExhausted.Error())
	}
	return wrap(http.StatusInternalServerError, "", "internal error")
}

func protectedReason(err error) string {
	if errors.Is(err, directory.ErrProtected) {
		return "it is protected from deletion"
	}
	return "it is not empty"
}

// searchError maps a failed search: a filter the directory cannot
// evaluate is the client's invalidFilter, whatever the core found wrong.
func searchError(err error) *scimError {
	var validation *identity.ValidationError
	if errors.Is(err, directory.ErrInvalidInput) && !errors.As(err, &validation) {
		return &scimError{status: http.StatusBadRequest, scimType: typeInvalidFilter, cause: err,
			detail: "the directory cannot evaluate this filter"}
	}
	return fromCore(err, "")
}
