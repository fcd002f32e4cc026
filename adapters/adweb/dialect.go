package adweb

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Dialect serves AD Web's REST API.
type Dialect struct {
	core   *identity.Service
	keys   *keyring
	mailer *mailer
	log    *slog.Logger
	// maxResults bounds the entries of one list answer.
	maxResults int
}

// Name is the dialect's configuration key.
func (d *Dialect) Name() string { return Name }

// endpoint is one AD Web call: its lower-case name, the methods the
// original answers it on, and its handler.
type endpoint struct {
	name    string
	methods []string
	handle  func(*request) (reply, error)
}

// The methods of the original's curl examples; reads also answer GET.
var (
	reads = []string{http.MethodGet, http.MethodPost}
	posts = []string{http.MethodPost}
	puts  = []string{http.MethodPut}
)

// routes are the 16 endpoints by lower-case name.
var routes = func() map[string]endpoint {
	m := map[string]endpoint{}
	for _, e := range []endpoint{
		{"createuser", posts, (*request).createUser},
		{"createparentou", posts, (*request).createParentOU},
		{"createchildou", posts, (*request).createChildOU},
		{"moveusertoou", posts, (*request).moveUserToOU},
		{"assignusertogroup", posts, (*request).assignUserToGroup},
		{"updateuser", puts, (*request).updateUser},
		{"enableuser", posts, (*request).enableUser},
		{"disableuser", posts, (*request).disableUser},
		{"unlockuser", puts, (*request).unlockUser},
		{"passwordreset", puts, (*request).passwordReset},
		{"getdn", reads, (*request).getDN},
		{"getoumembers", reads, (*request).getOUMembers},
		{"getgroupmembers", reads, (*request).getGroupMembers},
		{"getusergroupinfo", reads, (*request).getUserGroupInfo},
		{"getuserinfo", reads, (*request).getUserInfo},
		{"getusers", reads, (*request).getUsers},
	} {
		m[e.name] = e
	}
	return m
}()

// Mount registers one catch-all route and dispatches by the lower-cased
// endpoint name: the ASP.NET original matches paths case-insensitively
// (`/restapi/CreateUser`), which echo's router does not.
func (d *Dialect) Mount(g *echo.Group, _ dialect.Listener) {
	g.Any("", d.serve)
	g.Any("/*", d.serve)
}

func (d *Dialect) serve(c echo.Context) error {
	name := strings.ToLower(strings.Trim(c.Param("*"), "/"))
	ep, known := routes[name]
	route := strings.TrimSuffix(c.Path(), "*")
	if known {
		dialect.SetRoute(c, strings.TrimSuffix(route, "/")+"/"+name)
	} else {
		dialect.SetRoute(c, strings.TrimSuffix(route, "/")+"/{unknown}")
	}

	key, err := d.authenticate(c)
	if err != nil {
		return d.fail(c, name, err)
	}
	if !known {
		return d.fail(c, name, &apiError{status: http.StatusNotFound, code: codeEndpointNotFound,
			message: "no such endpoint: " + quote(c.Param("*"))})
	}
	if !slices.Contains(ep.methods, c.Request().Method) {
		c.Response().Header().Set("Allow", strings.Join(ep.methods, ", "))
		return d.fail(c, name, &apiError{status: http.StatusMethodNotAllowed, code: codeMethodNotAllowed,
			message: name + " accepts " + strings.Join(ep.methods, " or ")})
	}
	r, err := d.newRequest(c, key)
	if err != nil {
		return d.fail(c, name, err)
	}
	out, err := ep.handle(r)
	if err != nil {
		return d.fail(c, name, err)
	}
	return writeSuccess(c, out)
}

// fail answers an error in the envelope and logs what the client is not
// shown: server-side failures at error level, the client's mistakes at
// debug.
func (d *Dialect) fail(c echo.Context, endpoint string, err error) error {
	var ae *apiError
	if !errors.As(err, &ae) {
		ae = fromCore(err, subjectEntry, "")
	}
	attrs := []any{"endpoint", endpoint, "request_id", dialect.RequestID(c), "status", ae.status, "code", ae.code}
	if ae.cause != nil {
		attrs = append(attrs, "error", ae.cause)
	}
	if ae.status >= http.StatusInternalServerError {
		d.log.Error("request failed", attrs...)
	} else {
		d.log.Debug("request refused", attrs...)
	}
	return writeError(c, ae)
}

// CaseInsensitivePrefix: AD Web is an ASP.NET application, which matches
// /RESTAPI/CreateUser as /restapi/createuser.
func (d *Dialect) CaseInsensitivePrefix() bool { return true }
