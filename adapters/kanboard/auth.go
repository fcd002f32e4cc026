package kanboard

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// appUsername selects application mode: Basic jsonrpc:<token>.
const appUsername = "jsonrpc"

// principal is who a request authenticated as.
type principal struct {
	caller identity.Caller
	// user is the directory user of user mode; nil in application mode.
	user *directory.User
}

// tokenCheck compares a password with the API token in constant time:
// both are hashed first, so neither the content nor the length leaks.
type tokenCheck struct {
	set  bool
	hash [sha256.Size]byte
}

func newTokenCheck(token string) tokenCheck {
	return tokenCheck{set: token != "", hash: sha256.Sum256([]byte(token))}
}

func (t tokenCheck) matches(password string) bool {
	got := sha256.Sum256([]byte(password))
	return subtle.ConstantTimeCompare(got[:], t.hash[:]) == 1 && t.set
}

// credentials reads the username and password of a request: the
// configured header first (Kanboard's API_AUTHENTICATION_HEADER, plain
// base64 of "user:password"), then HTTP Basic.
func (k *Dialect) credentials(r *http.Request) (username, password string) {
	if k.authHeader != "" {
		if v := r.Header.Get(k.authHeader); v != "" {
			if raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(v)); err == nil {
				username, password, _ = strings.Cut(string(raw), ":")
				return username, password
			}
		}
	}
	username, password, _ = r.BasicAuth()
	return username, password
}

// authenticate is Kanboard's AuthenticationMiddleware: jsonrpc with the
// token is application mode; any other name is a directory user checked
// by the core (failures count towards the lockout). It returns
// errUnauthorized, or a directory failure as it is.
func (k *Dialect) authenticate(ctx context.Context, username, password string, newCaller func(name string) identity.Caller) (principal, error) {
	if username == appUsername {
		// Throttled by the client's address before the token is compared;
		// a user's password is throttled by the core (Authenticate).
		c := newCaller(appUsername)
		check, err := k.users.dom.BeginCheck(c, "")
		if err != nil {
			return principal{}, err
		}
		if !k.token.matches(password) {
			check.Failed()
			return principal{}, errUnauthorized
		}
		check.Succeeded()
		return principal{caller: c}, nil
	}
	if username == "" || password == "" {
		return principal{}, errUnauthorized
	}
	c := newCaller(username)
	u, err := k.users.dom.Authenticate(ctx, c, directory.ByName(username), password)
	if err == nil {
		return principal{caller: c, user: u}, nil
	}
	reason := logonFailure(err)
	if reason == "" {
		return principal{}, err // the directory failed to answer
	}
	k.log.InfoContext(ctx, "kanboard: API authentication failure", "username", username,
		"request_id", c.RequestID, "reason", reason)
	return principal{}, errUnauthorized
}

// logonFailure names why credentials do not open a session ("" when the
// error is the directory failing, not the credentials).
func logonFailure(err error) string {
	switch k := identity.Kind(err); k {
	case identity.KindInvalidCredentials, identity.KindNotFound, identity.KindAccountDisabled,
		identity.KindAccountLocked, identity.KindInvalidInput, identity.KindForbidden:
		return k.String()
	}
	return ""
}

// authorize lets application mode and app-admin users call the user
// procedures; anyone else is errForbidden, as Kanboard's API authorization
// refuses them to app-manager and app-user.
func (k *Dialect) authorize(ctx context.Context, p principal) error {
	if p.user == nil {
		return nil
	}
	admin, err := k.users.dom.IsMember(ctx, directory.ByDN(p.user.DN), k.users.layout.admins)
	if err != nil {
		return err
	}
	if !admin {
		return errForbidden
	}
	return nil
}
