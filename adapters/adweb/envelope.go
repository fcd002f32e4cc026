package adweb

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
)

// successBody is every successful answer. data is always present (null when
// an action has nothing to show) so clients can read it unconditionally.
type successBody struct {
	Success bool   `json:"success"`
	Message string `json:"message"`
	Data    any    `json:"data"`
}

// errorBody is every failed answer, whatever the status code.
type errorBody struct {
	Success   bool   `json:"success"`
	Message   string `json:"message"`
	ErrorCode string `json:"errorCode"`
}

// reply is what an endpoint hands back on success.
type reply struct {
	message string
	data    any
}

// apiError is a failure as the client sees it: the status code, the
// UPPER_SNAKE code and a message that is safe to show. cause keeps the
// underlying error for the server log only.
type apiError struct {
	status  int
	code    string
	message string
	cause   error
	// retryAfter, when set, is sent as the Retry-After header (seconds).
	retryAfter int
}

func (e *apiError) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.code, e.message, e.cause)
	}
	return e.code + ": " + e.message
}

func (e *apiError) Unwrap() error { return e.cause }

// Error codes of the envelope. The original documents none; these are
// dirgate's (docs/dialects/adweb.md lists them).
const (
	codeUnauthorized     = "UNAUTHORIZED"
	codeForbidden        = "FORBIDDEN"
	codeNotFound         = "NOT_FOUND"
	codeEndpointNotFound = "ENDPOINT_NOT_FOUND"
	codeMethodNotAllowed = "METHOD_NOT_ALLOWED"
	codeUserNotFound     = "USER_NOT_FOUND"
	codeGroupNotFound    = "GROUP_NOT_FOUND"
	codeOUNotFound       = "OU_NOT_FOUND"
	codeAlreadyExists    = "ALREADY_EXISTS"
	codeConflict         = "CONFLICT"
	codeProtected        = "PROTECTED"
	codeNotEmpty         = "NOT_EMPTY"
	codeInvalidJSON      = "INVALID_JSON"
	codeInvalidQuery     = "INVALID_QUERY"
	codeInvalidField     = "INVALID_FIELD"
	codeMissingField     = "MISSING_FIELD"
	codeInvalidDN        = "INVALID_DN"
	codeOutsideDomain    = "DN_OUTSIDE_DOMAIN"
	codeUnknownDomain    = "UNKNOWN_DOMAIN"
	codeAttributeRefused = "ATTRIBUTE_NOT_ALLOWED"
	codeInvalidInput     = "INVALID_INPUT"
	codePasswordPolicy   = "PASSWORD_POLICY"
	codeBodyTooLarge     = "BODY_TOO_LARGE"
	codeNotSupported     = "NOT_SUPPORTED"
	codeUnavailable      = "DIRECTORY_UNAVAILABLE"
	codePasswordTLS      = "PASSWORD_TRANSPORT"
	codeRangeExhausted   = "ID_RANGE_EXHAUSTED"
	codeInternal         = "INTERNAL_ERROR"
	codeTooManyResults   = "TOO_MANY_RESULTS"
	codeTooManyRequests  = "TOO_MANY_REQUESTS"
)

func badRequest(code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, code: code, message: fmt.Sprintf(format, args...)}
}

func missing(field string) *apiError {
	return badRequest(codeMissingField, "%s is required", field)
}

func writeSuccess(c echo.Context, r reply) error {
	return c.JSON(http.StatusOK, successBody{Success: true, Message: r.message, Data: r.data})
}

func writeError(c echo.Context, e *apiError) error {
	if e.retryAfter > 0 {
		c.Response().Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	return c.JSON(e.status, errorBody{Success: false, Message: e.message, ErrorCode: e.code})
}
