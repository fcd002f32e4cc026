package privacyidea

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dirgate/dirgate/pkg/identity"
)

// privacyIDEA's error codes (lib/error.py) that this dialect answers with.
const (
	codeGeneric         = 10   // privacyIDEAError: a write the user store refused
	codePolicy          = 303  // PolicyError
	codeWrongCredential = 4031 // AUTHENTICATE_WRONG_CREDENTIALS
	codeMissingUsername = 4032 // AUTHENTICATE_MISSING_USERNAME
	codeAuthHeader      = 4033 // AUTHENTICATE_AUTH_HEADER
	codeDecoding        = 4304 // AUTHENTICATE_DECODING_ERROR
	codeExpired         = 4305 // AUTHENTICATE_TOKEN_EXPIRED
	codeMissingRight    = 4306 // AUTHENTICATE_MISSING_RIGHT
	codeUser            = 904  // UserError
	codeParameter       = 905  // ParameterError
	codeInternal        = -500 // anything that is not a privacyIDEAError
)

// apiError is one answer of the error envelope. Its message is what the
// client sees, so it never carries a backend's diagnostic.
type apiError struct {
	status  int
	code    int
	message string
	// retryAfter, when set, is sent as the Retry-After header (seconds).
	retryAfter int
}

func (e *apiError) Error() string { return fmt.Sprintf("%d/%d: %s", e.status, e.code, e.message) }

// The original renders AuthError and PolicyError with their bare message
// and every other privacyIDEAError as "ERR<code>: <message>".

func authError(code int, message string) *apiError {
	return &apiError{status: http.StatusUnauthorized, code: code, message: message}
}

func policyError(action string) *apiError {
	return &apiError{status: http.StatusForbidden, code: codePolicy,
		message: fmt.Sprintf("Admin actions are defined, but the action %s is not allowed!", action)}
}

func parameterError(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeParameter,
		message: fmt.Sprintf("ERR%d: ", codeParameter) + fmt.Sprintf(format, args...)}
}

func missingParameter(name string) *apiError { return parameterError("Missing parameter: %s", name) }

func userError(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeUser,
		message: fmt.Sprintf("ERR%d: ", codeUser) + fmt.Sprintf(format, args...)}
}

func unknownResolver(name string) *apiError {
	return userError("The resolver '%s' does not exist!", name)
}

// unknownRealm answers a realm parameter at /auth that names no realm.
func unknownRealm(name string) *apiError {
	return authError(codeWrongCredential, fmt.Sprintf("Authentication failure. Unknown realm: %s.", name))
}

func notEditable(name string) *apiError {
	return userError("The resolver '%s' is not editable.", name)
}

func writeError(format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: codeGeneric,
		message: fmt.Sprintf("ERR%d: ", codeGeneric) + fmt.Sprintf(format, args...)}
}

// tooManyRequests is HTTP 429 with PolicyError's code: the original
// refuses a login beyond its auth_max_fail policy under a policy too, and
// a client knows 303 as "refused by a rule, not by the input".
func tooManyRequests(seconds int) *apiError {
	return &apiError{status: http.StatusTooManyRequests, code: codePolicy, retryAfter: seconds,
		message: fmt.Sprintf("Too many requests. Retry after %d seconds.", seconds)}
}

func internalError(message string) *apiError {
	return &apiError{status: http.StatusInternalServerError, code: codeInternal, message: message}
}

var (
	errMissingHeader = authError(codeAuthHeader, "Authentication failure. Missing Authorization header.")
	errWrongPassword = authError(codeWrongCredential, "Authentication failure. Wrong credentials")
	errAdminOnly     = authError(codeMissingRight,
		"Authentication failure. You do not have the necessary role (['admin']) to access this resource!")
	errAccountInactive = authError(codeWrongCredential, "Authentication failure. The account is disabled or locked.")
	errNoLongerAdmin   = authError(codeMissingRight,
		"Authentication failure. The account of this token is no longer an admin: log in again.")
	errBodyTooLarge = &apiError{status: http.StatusRequestEntityTooLarge, code: codeParameter,
		message: fmt.Sprintf("ERR%d: The request body is too large.", codeParameter)}
)

// clientFacing maps an error of the core to the envelope. action names the
// privacyIDEA policy action for a denial. The kind alone decides what the
// client sees; a directory's own wording stays in the logs.
func clientFacing(err error, action string) *apiError {
	var api *apiError
	if errors.As(err, &api) {
		return api
	}
	switch k := identity.Kind(err); k {
	case identity.KindTooManyRequests:
		seconds, _ := identity.RetryAfter(err)
		return tooManyRequests(seconds)
	case identity.KindForbidden:
		return policyError(action)
	case identity.KindUnavailable:
		return internalError("The user store is unavailable; try again later.")
	case identity.KindInvalidInput, identity.KindPasswordPolicy:
		// The core's validation and policy say what to fix: shown as they
		// are. A refusal of the directory's own is named by its kind only.
		var invalid *identity.ValidationError
		var weak *identity.PolicyError
		switch {
		case errors.As(err, &invalid):
			return writeError("%s", invalid.Error())
		case errors.As(err, &weak):
			return writeError("%s", weak.Error())
		}
		return writeError("The user store refused the change: %s.", k)
	case identity.KindNotFound, identity.KindAlreadyExists, identity.KindConflict, identity.KindNotSupported,
		identity.KindPasswordTransport, identity.KindRangeExhausted, identity.KindProtected, identity.KindNotEmpty:
		return writeError("The user store refused the change: %s.", k)
	}
	return internalError("Internal Server Error")
}
