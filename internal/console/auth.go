package console

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// dialectName is the console's name as a caller's dialect, in the audit
// log and the throttle.
const dialectName = "console"

// keyAdmin is where requireSession puts the logged-in admin.
const keyAdmin = "dirgate.console.admin"

// admin is the account of a request's session, as read at that request.
type admin struct {
	claims claims
	user   *directory.User
	csrf   string
}

func adminOf(c echo.Context) *admin {
	a, _ := c.Get(keyAdmin).(*admin)
	return a
}

// requireSession lets a request through only with a valid session whose
// account is still an active admin; a page is redirected to the login,
// a fragment (htmx) or data request gets 401.
func (con *Console) requireSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, err := con.session(c)
		if err != nil {
			con.o.Log.Debug("console: request refused", "request_id", dialect.RequestID(c), "error", err)
			dialect.SetRoute(c, c.Path())
			if _, had := c.Cookie(CookieName); had == nil {
				c.SetCookie(con.cookie(c, "", -1)) // a dead session's cookie goes
			}
			c.Response().Header().Set("Cache-Control", "no-store")
			if c.Request().Header.Get("HX-Request") != "" || strings.HasSuffix(c.Path(), ".json") {
				c.Response().Header().Set("HX-Redirect", "/console/login")
				return c.String(http.StatusUnauthorized, "log in to the console")
			}
			next := c.Request().URL.Path
			return c.Redirect(http.StatusSeeOther, "/console/login?next="+url.QueryEscape(next))
		}
		c.Set(keyAdmin, a)
		c.Response().Header().Set("Cache-Control", "no-store")
		return next(c)
	}
}

// session reads the cookie and the account it names, now.
func (con *Console) session(c echo.Context) (*admin, error) {
	ck, err := c.Cookie(CookieName)
	if err != nil {
		return nil, fmt.Errorf("%w: no cookie", errSession)
	}
	cl, err := con.sessions.verify(ck.Value)
	if err != nil {
		return nil, err
	}
	ctx, cancel := ctx(c)
	defer cancel()
	u, err := con.stillAdmin(ctx, c, cl)
	if err != nil {
		return nil, err
	}
	return &admin{claims: cl, user: u, csrf: con.sessions.csrf(cl)}, nil
}

// stillAdmin reads the session's account by its id and checks it is
// active and an admin: a session dies with its account's rights.
func (con *Console) stillAdmin(ctx context.Context, c echo.Context, cl claims) (*directory.User, error) {
	dom, err := con.o.Core.Domain(cl.Domain)
	if err != nil {
		return nil, fmt.Errorf("%w: domain %q: %w", errSession, cl.Domain, err)
	}
	reader := con.caller(c, cl.Name, identity.Scope{ReadOnly: true, Operations: []identity.Operation{identity.OpUserRead}})
	u, err := dom.GetUser(ctx, reader, directory.ByID(cl.ID))
	if err != nil {
		return nil, fmt.Errorf("%w: account: %w", errSession, err)
	}
	if !u.Active() {
		return nil, fmt.Errorf("%w: account disabled or locked", errSession)
	}
	ok, err := con.isAdmin(ctx, dom, u)
	if err != nil {
		return nil, fmt.Errorf("%w: admin groups: %w", errSession, err)
	}
	if !ok {
		return nil, fmt.Errorf("%w: no longer an admin", errSession)
	}
	return u, nil
}

// isAdmin: a member (nested groups included) of one of the admin groups.
func (con *Console) isAdmin(ctx context.Context, dom *identity.Domain, u *directory.User) (bool, error) {
	for _, g := range con.o.AdminGroups {
		ok, err := dom.IsMember(ctx, directory.ByDN(u.DN), g)
		if err != nil {
			return false, err
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

func (con *Console) caller(c echo.Context, name string, scope identity.Scope) identity.Caller {
	return identity.Caller{Name: name, Dialect: dialectName, RequestID: dialect.RequestID(c), Address: dialect.ClientAddr(c), Scope: scope}
}

// requireCSRF refuses a POST without the session's CSRF token (form field
// "csrf" or header X-CSRF-Token).
func (con *Console) requireCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := c.Request().Header.Get("X-CSRF-Token")
		if token == "" {
			token = c.FormValue("csrf")
		}
		if a := adminOf(c); a == nil || !con.sessions.checkCSRF(a.claims, token) {
			return c.String(http.StatusForbidden, "missing or wrong CSRF token: reload the page")
		}
		return next(c)
	}
}

// sameOrigin refuses a POST whose Origin (else Referer) is not this
// console's own: browsers send one on every POST, and a page of another
// site cannot forge it.
func (con *Console) sameOrigin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		from := r.Header.Get("Origin")
		if from == "" || from == "null" {
			from = r.Header.Get("Referer")
		}
		u, err := url.Parse(from)
		if from == "" || err != nil || !strings.EqualFold(u.Host, con.host(r)) {
			return c.String(http.StatusForbidden, "cross-origin request refused")
		}
		return next(c)
	}
}

// trusted reports whether the request's peer is a trusted proxy.
func (con *Console) trusted(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range con.o.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// host is the host the browser addressed: X-Forwarded-Host from a trusted
// proxy, else Host.
func (con *Console) host(r *http.Request) string {
	if h := r.Header.Get("X-Forwarded-Host"); h != "" && con.trusted(r) {
		return strings.TrimSpace(strings.Split(h, ",")[0])
	}
	return r.Host
}

// secure reports whether the browser reached us over https: TLS here, or
// a trusted proxy saying so.
func (con *Console) secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return con.trusted(r) && strings.EqualFold(strings.TrimSpace(strings.Split(r.Header.Get("X-Forwarded-Proto"), ",")[0]), "https")
}

// cookie is the session cookie with value; maxAge < 0 deletes it.
func (con *Console) cookie(c echo.Context, value string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: CookieName, Value: value, Path: "/console/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: con.secure(c.Request()),
	}
}

// loginPage shows the login form.
func (con *Console) loginPage(c echo.Context) error {
	return con.render(c, http.StatusOK, "login", loginView{Next: safeNext(c.QueryParam("next")), Domains: con.domainNames()})
}

type loginView struct {
	Next     string
	Error    string
	Username string
	Domains  []string
	Domain   string
}

func (con *Console) domainNames() []string {
	var out []string
	for _, d := range con.o.Core.Domains() {
		out = append(out, d.Name())
	}
	return out
}

// safeNext keeps a redirect target inside the console.
func safeNext(next string) string {
	if strings.HasPrefix(next, "/console/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return "/console/"
}

// msgRefused is the one answer for an unknown user, a wrong password, a
// disabled or locked account and an account that is not an admin.
const msgRefused = "Wrong username or password, or not a gateway administrator."

// login checks the password with the core (throttle, hashing bound and
// lockout as for every dialect), then that the account is an admin, and
// sets the session cookie.
func (con *Console) login(c echo.Context) error {
	dialect.SetRoute(c, "/console/login")
	v := loginView{Next: safeNext(c.FormValue("next")), Username: c.FormValue("username"), Domains: con.domainNames(), Domain: c.FormValue("domain")}
	password := c.FormValue("password")
	dom := con.o.Core.Default()
	if v.Domain != "" {
		d, err := con.o.Core.Domain(v.Domain)
		if err != nil {
			v.Error = "Unknown domain."
			return con.render(c, http.StatusBadRequest, "login", v)
		}
		dom = d
	}
	if v.Username == "" || password == "" {
		v.Error = "Username and password are required."
		return con.render(c, http.StatusBadRequest, "login", v)
	}
	ctx, cancel := ctx(c)
	defer cancel()
	caller := con.caller(c, v.Username, identity.Scope{Operations: []identity.Operation{identity.OpPasswordVerify}})
	u, err := dom.Authenticate(ctx, caller, directory.ByName(v.Username), password)
	if err == nil {
		var ok bool
		ok, err = con.isAdmin(ctx, dom, u)
		if err == nil && (!ok || !u.Active()) {
			err = directory.ErrInvalidCredentials
		}
	}
	switch {
	case err == nil:
	case errors.Is(err, directory.ErrInvalidCredentials), errors.Is(err, directory.ErrNotFound):
		v.Error = msgRefused
		return con.render(c, http.StatusUnauthorized, "login", v)
	case errors.Is(err, identity.ErrTooManyRequests):
		if seconds, ok := identity.RetryAfter(err); ok {
			c.Response().Header().Set("Retry-After", strconv.Itoa(seconds))
		}
		v.Error = "Too many attempts: wait a moment and try again."
		return con.render(c, http.StatusTooManyRequests, "login", v)
	default:
		con.o.Log.Warn("console: login failed", "request_id", dialect.RequestID(c), "error", err)
		v.Error = "The directory does not answer; try again later."
		return con.render(c, http.StatusServiceUnavailable, "login", v)
	}
	value, _, err := con.sessions.issue(dom.Name(), u.ID, u.Username)
	if err != nil {
		return err
	}
	c.SetCookie(con.cookie(c, value, int(con.o.SessionLifetime/time.Second)))
	con.o.Log.Info("console: login", "request_id", dialect.RequestID(c), "user", u.Username, "domain", dom.Name())
	return c.Redirect(http.StatusSeeOther, v.Next)
}

// logout deletes the cookie. The cookie stays valid until it expires if
// someone kept a copy: sessions are stateless (docs/console.md).
func (con *Console) logout(c echo.Context) error {
	c.SetCookie(con.cookie(c, "", -1))
	return c.Redirect(http.StatusSeeOther, "/console/login")
}
