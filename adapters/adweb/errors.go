package adweb

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// subject is what an endpoint looked for, so a not-found answer can say
// which thing is missing (USER_NOT_FOUND rather than NOT_FOUND).
type subject string

const (
	subjectUser  subject = "user"
	subjectGroup subject = "group"
	subjectOU    subject = "OU"
	subjectEntry subject = "entry"
)

func (s subject) notFound(name string) *apiError {
	code := codeNotFound
	switch s {
	case subjectUser:
		code = codeUserNotFound
	case subjectGroup:
		code = codeGroupNotFound
	case subjectOU:
		code = codeOUNotFound
	}
	msg := string(s) + " not found"
	if name != "" {
		msg = string(s) + " " + name + " not found"
	}
	return &apiError{status: http.StatusNotFound, code: code, message: msg}
}

// fromCore translates an error of package identity into the envelope. It
// decides from the error's kind alone: a backend's diagnostic (an LDAP result
// text, a file path) stays in cause, for the log. what and name say what
// the call was about, for a not-found answer.
func fromCore(err error, what subject, name string) *apiError {
	var ae *apiError
	if errors.As(err, &ae) {
		return ae
	}
	wrap := func(status int, code, msg string) *apiError {
		return &apiError{status: status, code: code, message: msg, cause: err}
	}
	// The server's own refusal, which no kind of the core names: the
	// request is the client's to narrow (a smaller OU or group).
	if errors.Is(err, dialect.ErrTooManyResults) {
		return wrap(http.StatusBadRequest, codeTooManyResults, err.Error())
	}
	switch identity.Kind(err) {
	case identity.KindTooManyRequests:
		return tooManyRequests(err)
	case identity.KindUnknownDomain:
		return wrap(http.StatusBadRequest, codeUnknownDomain, "unknown domain")
	case identity.KindForbidden:
		// The core's text names the operation and the subtree, never a
		// server diagnostic; it tells the key's owner what the key lacks.
		return wrap(http.StatusForbidden, codeForbidden, err.Error())
	case identity.KindPasswordPolicy:
		// The core's policy lists the rules broken: shown.
		var pe *identity.PolicyError
		if errors.As(err, &pe) {
			return wrap(http.StatusUnprocessableEntity, codePasswordPolicy, pe.Error())
		}
		return wrap(http.StatusUnprocessableEntity, codePasswordPolicy,
			"the password does not meet the directory's password policy")
	case identity.KindInvalidInput:
		// The core's validation names the field and the rule: shown.
		var ve *identity.ValidationError
		if errors.As(err, &ve) {
			return wrap(http.StatusBadRequest, codeInvalidInput, ve.Error())
		}
		return wrap(http.StatusBadRequest, codeInvalidInput, "the directory refused the request as invalid")
	case identity.KindNotFound:
		e := what.notFound(name)
		e.cause = err
		return e
	case identity.KindAlreadyExists:
		return wrap(http.StatusConflict, codeAlreadyExists, alreadyExists(what, name))
	case identity.KindConflict:
		return wrap(http.StatusConflict, codeConflict, "a concurrent change won; retry the request")
	case identity.KindProtected:
		return wrap(http.StatusConflict, codeProtected, "the entry is protected from deletion")
	case identity.KindNotEmpty:
		return wrap(http.StatusConflict, codeNotEmpty, "the entry still has children")
	case identity.KindNotSupported:
		return wrap(http.StatusBadRequest, codeNotSupported, "the directory does not support this operation")
	case identity.KindUnavailable:
		return wrap(http.StatusServiceUnavailable, codeUnavailable, "the directory is unavailable; retry later")
	case identity.KindPasswordTransport:
		return wrap(http.StatusInternalServerError, codePasswordTLS,
			"the directory accepts passwords only over an encrypted connection; dirgate's backend needs LDAPS or StartTLS")
	case identity.KindRangeExhausted:
		return wrap(http.StatusInternalServerError, codeRangeExhausted, "no free uid or gid number is left in the configured range")
	default:
		return wrap(http.StatusInternalServerError, codeInternal, "internal error")
	}
}

func isNotFound(err error) bool { return errors.Is(err, directory.ErrNotFound) }

// whichMissing tells, after a not-found from an operation on a user and a
// target container, which of the two is missing: the directory's
// not-found does not say.
func (r *request) whichMissing(dom *identity.Domain, err error, userDN, ouDN string) error {
	if _, uerr := dom.GetUser(r.ctx, r.caller, directory.ByDN(userDN)); uerr != nil {
		return fromCore(uerr, subjectUser, userDN)
	}
	if ouDN == "" {
		return fromCore(err, subjectUser, userDN)
	}
	return fromCore(err, subjectOU, ouDN)
}

func alreadyExists(what subject, name string) string {
	if name == "" {
		return "an entry with that name already exists"
	}
	return string(what) + " " + name + " already exists"
}

// tooManyRequests is HTTP 429 with the wait in Retry-After and the message.
func tooManyRequests(err error) *apiError {
	seconds, _ := identity.RetryAfter(err)
	return &apiError{status: http.StatusTooManyRequests, code: codeTooManyRequests, retryAfter: seconds, cause: err,
		message: fmt.Sprintf("too many requests; retry after %d seconds", seconds)}
}
