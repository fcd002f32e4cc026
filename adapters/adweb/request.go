package adweb

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// request is one authenticated call: its fields (body and query string,
// case-insensitive) and the caller the core checks them against.
type request struct {
	ctx    context.Context
	c      echo.Context
	d      *Dialect
	in     *object
	caller identity.Caller
}

func (d *Dialect) newRequest(c echo.Context, key *apiKey) (*request, error) {
	body, err := dialect.ReadBody(c)
	if errors.Is(err, dialect.ErrBodyTooLarge) {
		return nil, &apiError{status: http.StatusRequestEntityTooLarge, code: codeBodyTooLarge,
			message: "the request body is too large", cause: err}
	}
	if err != nil {
		return nil, badRequest(codeInvalidJSON, "the request body could not be read")
	}
	in, err := parseBody(body)
	if err != nil {
		return nil, badRequest(codeInvalidJSON, "the request body is not valid JSON: %v", err)
	}
	if err := parseQuery(c.Request().URL.RawQuery, in); err != nil {
		return nil, err
	}
	return &request{
		ctx:    c.Request().Context(),
		c:      c,
		d:      d,
		in:     in,
		caller: dialect.Caller(c, Name, key.name, key.scope),
	}, nil
}

// domain selects the domain the FQDN field names. inner is the object the
// original documents FQDN in (createUser, updateUser); the top level is
// looked at too.
func (r *request) domain(inner *object) (*identity.Domain, error) {
	fqdn, err := text(inner, "FQDN")
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(fqdn) == "" {
		if fqdn, err = text(r.in, "FQDN"); err != nil {
			return nil, err
		}
	}
	if strings.TrimSpace(fqdn) == "" {
		return nil, missing("FQDN")
	}
	dom, err := r.d.core.Domain(fqdn)
	if err != nil {
		var names []string
		for _, d := range r.d.core.Domains() {
			names = append(names, d.Name())
		}
		return nil, &apiError{status: http.StatusBadRequest, code: codeUnknownDomain, cause: err,
			message: "unknown domain " + quote(fqdn) + ": the FQDN must be one of " + strings.Join(names, ", ")}
	}
	return dom, nil
}

// dn reads a required DN field and checks that it parses and lies in the
// domain, so the client learns which field is wrong before the directory
// is asked anything.
func dn(o *object, field string, dom *identity.Domain) (string, error) {
	v, err := requiredText(o, field)
	if err != nil {
		return "", err
	}
	return checkDN(field, v, dom)
}

func checkDN(field, v string, dom *identity.Domain) (string, error) {
	v = strings.TrimSpace(v)
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return "", badRequest(codeInvalidDN, "%s must not contain control characters", field)
	}
	if _, err := directory.ParseDN(v); err != nil {
		return "", badRequest(codeInvalidDN, "%s %s is not a valid distinguished name", field, quote(v))
	}
	if !directory.IsUnder(v, dom.BaseDN()) {
		return "", badRequest(codeOutsideDomain, "%s %s is outside the domain %s (%s)", field, quote(v), dom.Name(), dom.BaseDN())
	}
	return v, nil
}

// quote shows a client's value in a message, escaped so it cannot break
// the message's meaning.
func quote(s string) string {
	const max = 256
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
