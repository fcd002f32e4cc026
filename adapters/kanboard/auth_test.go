package kanboard

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

const (
	unauthorizedBody = `{"jsonrpc":"2.0","error":{"code":401,"message":"Unauthorized"},"id":null}`
	forbiddenBody    = `{"jsonrpc":"2.0","error":{"code":403,"message":"Forbidden"},"id":null}`
	getAll           = `{"jsonrpc":"2.0","method":"getAllUsers","id":1}`
)

func wantDenied(t *testing.T, what string, res response, status int) {
	t.Helper()
	want := unauthorizedBody
	if status == http.StatusForbidden {
		want = forbiddenBody
	}
	if res.status != status || res.body != want {
		t.Errorf("%s:\n got HTTP %d %s\nwant HTTP %d %s", what, res.status, res.body, status, want)
	}
	challenge := res.header.Get("WWW-Authenticate")
	if status == http.StatusUnauthorized && challenge != `Basic realm="JsonRPC"` {
		t.Errorf("%s: WWW-Authenticate = %q", what, challenge)
	}
	if status == http.StatusForbidden && challenge != "" {
		t.Errorf("%s: WWW-Authenticate = %q on a 403", what, challenge)
	}
}

func TestApplicationModeCredentials(t *testing.T) {
	h := newHarness(t)
	wantDenied(t, "no credentials", h.send("", "", getAll), http.StatusUnauthorized)
	wantDenied(t, "wrong token", h.send("jsonrpc", testToken+"x", getAll), http.StatusUnauthorized)
	wantDenied(t, "token prefix", h.send("jsonrpc", testToken[:10], getAll), http.StatusUnauthorized)
	wantDenied(t, "empty token", h.send("jsonrpc", "", getAll), http.StatusUnauthorized)
	wantDenied(t, "user name in another case", h.send("JSONRPC", testToken, getAll), http.StatusUnauthorized)
	wantDenied(t, "a whole batch", h.send("jsonrpc", "nope", "["+getAll+","+getAll+"]"), http.StatusUnauthorized)
	wantDenied(t, "a notification", h.send("jsonrpc", "nope", `{"jsonrpc":"2.0","method":"getAllUsers"}`), http.StatusUnauthorized)
	if res := h.app(getAll); res.status != http.StatusOK {
		t.Errorf("right token: HTTP %d %s", res.status, res.body)
	}

	// As in Kanboard, a request that never reaches a procedure does not
	// look at the credentials.
	if res := h.send("", "", `{"jsonrpc":`); res.status != http.StatusOK || res.body != parseError {
		t.Errorf("parse error without credentials: HTTP %d %s", res.status, res.body)
	}
	if res := h.send("", "", `[1,2]`); res.status != http.StatusOK || res.body != "["+parseError+","+parseError+"]" {
		t.Errorf("invalid batch without credentials: HTTP %d %s", res.status, res.body)
	}
}

func TestNoTokenTurnsApplicationModeOff(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.Token = "" })
	wantDenied(t, "empty password", h.send("jsonrpc", "", getAll), http.StatusUnauthorized)
	wantDenied(t, "some password", h.send("jsonrpc", "anything", getAll), http.StatusUnauthorized)
}

func TestDirectoryUserCredentials(t *testing.T) {
	h := newHarness(t)
	h.createUser("root", "Admin-Pw-1", "", "", "app-admin")
	h.createUser("mgr", "Manager-Pw-1", "", "", "app-manager")
	plainID := h.createUser("usr", "User-Pw-1")

	// An app-admin may call every procedure with its own password.
	res := h.send("root", "Admin-Pw-1", `{"jsonrpc":"2.0","method":"getUserByName","params":["usr"],"id":3}`)
	if res.status != http.StatusOK || !strings.Contains(res.body, `"username":"usr"`) {
		t.Errorf("app-admin: HTTP %d %s", res.status, res.body)
	}
	res = h.send("root", "Admin-Pw-1", `{"jsonrpc":"2.0","method":"disableUser","params":[`+itoa(plainID)+`],"id":4}`)
	if res.body != `{"jsonrpc":"2.0","result":true,"id":4}` {
		t.Errorf("app-admin disableUser: %s", res.body)
	}
	wantDenied(t, "disabled user", h.send("usr", "User-Pw-1", getAll), http.StatusUnauthorized)
	h.call("enableUser", []any{plainID})

	wantDenied(t, "app-manager", h.send("mgr", "Manager-Pw-1", getAll), http.StatusForbidden)
	wantDenied(t, "app-user", h.send("usr", "User-Pw-1", getAll), http.StatusForbidden)
	wantDenied(t, "app-user, batch", h.send("usr", "User-Pw-1", "["+getAll+`,{"jsonrpc":"2.0","method":"getUser","params":[1],"id":2}]`), http.StatusForbidden)
	wantDenied(t, "wrong password", h.send("root", "Admin-Pw-2", getAll), http.StatusUnauthorized)
	wantDenied(t, "unknown user", h.send("nobody", "Admin-Pw-1", getAll), http.StatusUnauthorized)
	wantDenied(t, "no password", h.send("root", "", getAll), http.StatusUnauthorized)
	wantDenied(t, "filter metacharacters as username", h.send("*", "Admin-Pw-1", getAll), http.StatusUnauthorized)

	// Kanboard checks the role when a procedure is found: an unknown
	// method is -32601 for anyone authenticated.
	res = h.send("usr", "User-Pw-1", `{"jsonrpc":"2.0","method":"getMe","id":5}`)
	if res.status != http.StatusOK || res.body != methodNotFound("5") {
		t.Errorf("app-user, unknown method: HTTP %d %s", res.status, res.body)
	}
	// The refused call changed nothing.
	res = h.send("usr", "User-Pw-1", `{"jsonrpc":"2.0","method":"removeUser","params":[`+itoa(plainID)+`],"id":6}`)
	wantDenied(t, "app-user removeUser", res, http.StatusForbidden)
	if h.user(directory.ByNumber(plainID)) == nil {
		t.Errorf("a forbidden removeUser removed the user")
	}
}

func TestAuthenticationHeader(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.AuthHeader = "X-API-Auth" })
	creds := base64.StdEncoding.EncodeToString([]byte("jsonrpc:" + testToken))
	res := h.request(http.MethodPost, "/jsonrpc.php", getAll, func(r *http.Request) { r.Header.Set("X-API-Auth", creds) })
	if res.status != http.StatusOK || res.body != `{"jsonrpc":"2.0","result":[],"id":1}` {
		t.Errorf("X-API-Auth: HTTP %d %s", res.status, res.body)
	}
	wrong := base64.StdEncoding.EncodeToString([]byte("jsonrpc:wrong"))
	res = h.request(http.MethodPost, "/jsonrpc.php", getAll, func(r *http.Request) { r.Header.Set("X-API-Auth", wrong) })
	wantDenied(t, "X-API-Auth with a wrong token", res, http.StatusUnauthorized)
	// Basic still works when the header is absent.
	if res := h.app(getAll); res.status != http.StatusOK {
		t.Errorf("Basic beside X-API-Auth: HTTP %d", res.status)
	}
}

func TestSecretsStayOutOfLogs(t *testing.T) {
	h := newHarness(t)
	h.createUser("sec", "Very-Secret-Pw-9", "", "", "app-admin")
	h.send("sec", "Wrong-Secret-Pw-9", getAll)
	h.send("jsonrpc", "wrong-token-value", getAll)
	h.call("updateUser", []any{h.user(directory.ByName("sec")).UIDNumber, "sec2"})
	out := h.env.Output()
	for _, secret := range []string{"Very-Secret-Pw-9", "Wrong-Secret-Pw-9", testToken, "wrong-token-value"} {
		if strings.Contains(out, secret) {
			t.Errorf("%q appears in the logs", secret)
		}
	}
	if !strings.Contains(out, `"caller":"jsonrpc","dialect":"kanboard"`) {
		t.Errorf("the audit log does not name the Kanboard caller:\n%s", out)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
