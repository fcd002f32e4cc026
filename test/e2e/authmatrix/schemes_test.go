package authmatrix_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// scheme is one dialect's authentication as the matrix sees it: how to
// put each kind of credential on a request, and what the dialect's own
// refusal of it looks like (status and envelope, as in
// /work/shared/dialects.md and docs/dialects).
type scheme struct {
	// apply puts credentials of kind c on req; it returns false when the
	// dialect has no such kind (no tokens, no read-only credentials).
	apply func(req *http.Request, c cred) bool
	// refused fails the test unless r is the dialect's refusal of c for
	// endpoint ep.
	refused func(t *testing.T, ep *endpoint, c cred, r hostile.Reply)
}

// articaTCP: an API key in X-Auth-Token (or X-API-Key); a refused key is
// HTTP 403 with exactly Artica's "Authentication failed" envelope; a
// read-only key's write is HTTP 200, Status false, "permission denied".
func (e *env) articaTCP() scheme {
	return scheme{
		apply: func(req *http.Request, c cred) bool {
			switch c {
			case credNone:
			case credWrong:
				req.Header.Set("X-Auth-Token", "hostile-artica-rw-key-0c1d2e3F")
			case credReadOnly:
				req.Header.Set("X-API-Key", e.s.ArticaReadOnlyKey)
			default:
				return false
			}
			return true
		},
		refused: func(t *testing.T, ep *endpoint, c cred, r hostile.Reply) {
			t.Helper()
			if c == credReadOnly {
				var env struct {
					Status bool
					Error  string
				}
				if r.Status != http.StatusOK || json.Unmarshal(r.Body, &env) != nil || env.Status || !strings.Contains(env.Error, "permission denied") {
					t.Errorf("%s with %s: HTTP %d %s, want 200 Status false \"permission denied…\"", ep, c, r.Status, r.Body)
				}
				return
			}
			const want = "{\n  \"Status\": false,\n  \"Error\": \"Authentication failed\",\n  \"Info\": \"\"\n}\n"
			if r.Status != http.StatusForbidden || string(r.Body) != want {
				t.Errorf("%s with %s: HTTP %d %q, want 403 %q", ep, c, r.Status, r.Body, want)
			}
		},
	}
}

// adweb: ApiKey and ApiSecret headers; 401 UNAUTHORIZED, 403 FORBIDDEN,
// in AD-web's {success:false,message,errorCode} envelope.
func (e *env) adweb() scheme {
	return scheme{
		apply: func(req *http.Request, c cred) bool {
			var k hostile.KeyPair
			switch c {
			case credNone:
				return true
			case credWrong:
				k = hostile.KeyPair{Key: e.s.ADWebAdmin.Key, Secret: e.s.ADWebReader.Secret}
			case credReadOnly:
				k = e.s.ADWebReader
			case credOther:
				k = e.s.ADWebScoped
			default:
				return false
			}
			req.Header.Set("ApiKey", k.Key)
			req.Header.Set("ApiSecret", k.Secret)
			return true
		},
		refused: func(t *testing.T, ep *endpoint, c cred, r hostile.Reply) {
			t.Helper()
			status, code := http.StatusUnauthorized, "UNAUTHORIZED"
			if c == credReadOnly || c == credOther {
				status, code = http.StatusForbidden, "FORBIDDEN"
			}
			var env struct {
				Success   *bool  `json:"success"`
				Message   string `json:"message"`
				ErrorCode string `json:"errorCode"`
			}
			err := json.Unmarshal(r.Body, &env)
			if c == credOther && !ep.write && r.Status == http.StatusOK {
				// A key limited to a subtree may read, and sees only its part.
				if bytes.Contains(bytes.ToLower(r.Body), []byte(strings.ToLower(hostile.PeopleDN))) {
					t.Errorf("%s with %s: the answer shows entries outside the key's subtree: %s", ep, c, r.Body)
				}
				return
			}
			if c == credOther && !ep.write && (r.Status == http.StatusNotFound || r.Status == http.StatusBadRequest) {
				return // nothing found in its part of the tree: nothing shown either
			}
			if r.Status != status || err != nil || env.Success == nil || *env.Success || env.ErrorCode != code || env.Message == "" {
				t.Errorf("%s with %s: HTTP %d %s, want %d %s", ep, c, r.Status, r.Body, status, code)
			}
		},
	}
}

// privacyIDEA: a JWT in PI-Authorization; 401 with 4033 (none), 4304
// (invalid or forged), 4305 (expired), 4306 (a user token on an admin
// route); 403 with 303 for an admin whose policy does not allow the
// action.
func (e *env) privacyIDEA() scheme {
	secret := []byte(e.s.PrivacyIDEASecret)
	return scheme{
		apply: func(req *http.Request, c cred) bool {
			var tok string
			switch c {
			case credNone:
				return true
			case credWrong:
				tok = "not-a-token"
			case credForged:
				tok = privacyIDEAToken([]byte("not-the-secret-0123456789"), hostile.Root.Username, "admin", time.Now().Add(time.Hour))
			case credExpired:
				tok = privacyIDEAToken(secret, hostile.Root.Username, "admin", expiredAt())
			case credOther:
				tok = e.piAlice
			case credReadOnly:
				tok = e.piLister
			}
			req.Header.Set("PI-Authorization", tok)
			return true
		},
		refused: func(t *testing.T, ep *endpoint, c cred, r hostile.Reply) {
			t.Helper()
			status, code := http.StatusUnauthorized, 0
			switch c {
			case credNone:
				code = 4033
			case credWrong, credForged:
				code = 4304
			case credExpired:
				code = 4305
			case credOther:
				code = 4306
			case credReadOnly:
				status, code = http.StatusForbidden, 303
			}
			var env struct {
				JSONRPC string `json:"jsonrpc"`
				Result  struct {
					Status bool `json:"status"`
					Error  struct {
						Code    int    `json:"code"`
						Message string `json:"message"`
					} `json:"error"`
				} `json:"result"`
			}
			if r.Status != status || json.Unmarshal(r.Body, &env) != nil || env.JSONRPC != "2.0" || env.Result.Status ||
				env.Result.Error.Code != code || env.Result.Error.Message == "" {
				t.Errorf("%s with %s: HTTP %d %s, want %d with code %d", ep, c, r.Status, r.Body, status, code)
			}
		},
	}
}

// kanboard: HTTP Basic; 401 with WWW-Authenticate and Kanboard's exact
// body, 403 with its exact body.
func (e *env) kanboard() scheme {
	return scheme{
		apply: func(req *http.Request, c cred) bool {
			switch c {
			case credNone:
			case credWrong:
				req.SetBasicAuth("jsonrpc", e.s.KanboardToken+"x")
			case credOther:
				req.SetBasicAuth(hostile.Alice.Username, hostile.Alice.Password)
			default:
				return false
			}
			return true
		},
		refused: func(t *testing.T, ep *endpoint, c cred, r hostile.Reply) {
			t.Helper()
			status, body := http.StatusUnauthorized, `{"jsonrpc":"2.0","error":{"code":401,"message":"Unauthorized"},"id":null}`
			if c == credOther {
				status, body = http.StatusForbidden, `{"jsonrpc":"2.0","error":{"code":403,"message":"Forbidden"},"id":null}`
			}
			if r.Status != status || strings.TrimSpace(string(r.Body)) != body && ep.method != http.MethodHead {
				t.Errorf("%s with %s: HTTP %d %s, want %d %s", ep, c, r.Status, r.Body, status, body)
			}
			if status == http.StatusUnauthorized && r.Header.Get("WWW-Authenticate") != `Basic realm="JsonRPC"` {
				t.Errorf("%s with %s: WWW-Authenticate %q", ep, c, r.Header.Get("WWW-Authenticate"))
			}
		},
	}
}

// openAPI: a bearer token; 401 or 403 with {"error": "..."} and nothing
// else.
func (e *env) openAPI() scheme {
	secret := []byte(e.s.OpenAPISecret)
	forged := []string{
		openAPIToken([]byte("not-the-secret-0123456789abcdef0123456789"), "dirgate-openapi", e.rootID, "root", true, time.Now().Add(time.Hour)),
		openAPIToken(secret, "dirgate-openapi-invitation", e.rootID, "root", true, time.Now().Add(time.Hour)),
		unsignedToken(jwt.MapClaims{"iss": "dirgate", "aud": "dirgate-openapi", "sub": e.rootID, "name": "root", "adm": true,
			"exp": time.Now().Add(time.Hour).Unix()}),
	}
	n := 0
	return scheme{
		apply: func(req *http.Request, c cred) bool {
			var tok string
			switch c {
			case credNone:
				return true
			case credWrong:
				tok = "not.a.token"
			case credForged:
				// Each probe gets the next forgery: a wrong key, the
				// invitation audience, no signature.
				tok, n = forged[n%len(forged)], n+1
			case credExpired:
				tok = openAPIToken(secret, "dirgate-openapi", e.rootID, "root", true, expiredAt())
			case credOther:
				tok = e.oaAlice
			default:
				return false
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			return true
		},
		refused: func(t *testing.T, ep *endpoint, c cred, r hostile.Reply) {
			t.Helper()
			status := http.StatusUnauthorized
			if c == credOther {
				status = http.StatusForbidden
			}
			var env map[string]any
			if r.Status != status || json.Unmarshal(r.Body, &env) != nil || len(env) != 1 {
				t.Errorf("%s with %s: HTTP %d %s, want %d {\"error\": …}", ep, c, r.Status, r.Body, status)
				return
			}
			msg, _ := env["error"].(string)
			if msg == "" {
				t.Errorf("%s with %s: no error message: %s", ep, c, r.Body)
			}
			if c == credExpired && !strings.Contains(msg, "expired") {
				t.Errorf("%s with %s: %q does not say the token expired", ep, c, msg)
			}
		},
	}
}
