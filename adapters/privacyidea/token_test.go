package privacyidea

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"
)

func TestTokenRoundTrip(t *testing.T) {
	tk := tokens{secret: []byte("0123456789abcdef0123"), lifetime: time.Hour, now: time.Now}
	alice := account{id: "5f1c0d2e-id", dn: "uid=alice,ou=people,dc=example,dc=com", username: "alice", resolver: "people", realm: "corp"}
	raw, err := tk.issue(alice, roleAdmin, []string{"userlist"})
	if err != nil {
		t.Fatal(err)
	}
	c, apiErr := tk.verify(raw)
	if apiErr != nil {
		t.Fatalf("verify: %v", apiErr)
	}
	if c.Username != "alice" || c.Realm != "corp" || c.Role != roleAdmin || c.Nonce == "" ||
		c.Subject != alice.id || c.DN != alice.dn || c.Resolver != "people" {
		t.Errorf("claims = %+v", c)
	}
	if got := c.ExpiresAt.Sub(c.IssuedAt.Time); got != time.Hour {
		t.Errorf("lifetime = %v, want 1h", got)
	}
}

func TestTokenRefusals(t *testing.T) {
	secret := []byte("0123456789abcdef0123")
	now := time.Now()
	tk := newTokens(secret, time.Hour, func() time.Time { return now })
	sign := func(method jwt.SigningMethod, key any, c jwt.Claims) string {
		s, err := jwt.NewWithClaims(method, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	valid := func(role string) claims {
		return claims{Username: "alice", Realm: "corp", Role: role, Resolver: "people",
			RegisteredClaims: jwt.RegisteredClaims{Subject: "5f1c0d2e-id", ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute))}}
	}
	expired := valid(roleUser)
	expired.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Second))
	noExp := valid(roleUser)
	noExp.ExpiresAt = nil
	// Tokens that name no account, only a username (as dirgate issued
	// them before): a name is not an account.
	noSubject := valid(roleAdmin)
	noSubject.Subject = ""
	noResolver := valid(roleAdmin)
	noResolver.Resolver = ""
	for _, tc := range []struct {
		name  string
		token string
		code  int
	}{
		{"expired", sign(jwt.SigningMethodHS256, secret, expired), codeExpired},
		{"expired and forged", sign(jwt.SigningMethodHS256, []byte("another secret!!"), expired), codeDecoding},
		{"other secret", sign(jwt.SigningMethodHS256, []byte("another secret!!"), valid(roleAdmin)), codeDecoding},
		{"alg none", sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, valid(roleAdmin)), codeDecoding},
		{"HS512", sign(jwt.SigningMethodHS512, secret, valid(roleAdmin)), codeDecoding},
		{"no exp", sign(jwt.SigningMethodHS256, secret, noExp), codeDecoding},
		{"unknown role", sign(jwt.SigningMethodHS256, secret, valid("root")), codeDecoding},
		{"no subject", sign(jwt.SigningMethodHS256, secret, noSubject), codeDecoding},
		{"no resolver", sign(jwt.SigningMethodHS256, secret, noResolver), codeDecoding},
		{"garbage", "not.a.jwt", codeDecoding},
	} {
		for try := range 2 { // the second time, past the memo of verified tokens
			_, apiErr := tk.verify(tc.token)
			if apiErr == nil || apiErr.code != tc.code || apiErr.status != 401 {
				t.Errorf("%s, try %d: got %v, want 401/%d", tc.name, try, apiErr, tc.code)
			}
		}
	}
	_, apiErr := tk.verify(sign(jwt.SigningMethodHS256, secret, expired))
	if want := "Authentication failure. Your token has expired: Signature has expired"; apiErr.message != want {
		t.Errorf("message = %q, want %q", apiErr.message, want)
	}
}

// A token verified once is remembered (internal/tokenmemo), but its
// expiry is still checked on every use, and a token of the same claims
// signed with another key is not taken for it.
func TestVerifiedTokenStillExpires(t *testing.T) {
	now := time.Now()
	tk := newTokens([]byte("0123456789abcdef0123"), time.Minute, func() time.Time { return now })
	alice := account{id: "5f1c0d2e-id", dn: "uid=alice,ou=people,dc=example,dc=com", username: "alice", resolver: "people", realm: "corp"}
	raw, err := tk.issue(alice, roleAdmin, []string{"userlist"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if c, apiErr := tk.verify(raw); apiErr != nil || c.Subject != alice.id || c.Role != roleAdmin {
			t.Fatalf("verify = %+v, %v", c, apiErr)
		}
	}
	if tk.verified.Len() != 1 {
		t.Fatalf("%d tokens remembered, want 1", tk.verified.Len())
	}
	forged := tokens{secret: []byte("another secret!!"), lifetime: time.Minute, now: tk.now}
	other, err := forged.issue(alice, roleAdmin, []string{"userlist"})
	if err != nil {
		t.Fatal(err)
	}
	if _, apiErr := tk.verify(other); apiErr == nil || apiErr.code != codeDecoding {
		t.Errorf("a token signed with another key, after a good one was remembered: %v", apiErr)
	}
	now = now.Add(time.Minute)
	if _, apiErr := tk.verify(raw); apiErr == nil || apiErr.code != codeExpired {
		t.Errorf("a remembered token past its expiry: %v, want %d", apiErr, codeExpired)
	}
	if tk.verified.Len() != 0 {
		t.Errorf("an expired token is still remembered")
	}
}

func TestBearerHeaders(t *testing.T) {
	for _, tc := range []struct {
		pi, authz, want string
	}{
		{"tok1", "tok2", "tok1"},
		{"", "tok2", "tok2"},
		{"", "Bearer tok3", "tok3"},
		{"bearer tok4", "", "tok4"},
		{"", "", ""},
	} {
		req := httptest.NewRequest("GET", "/user/", nil)
		if tc.pi != "" {
			req.Header.Set("PI-Authorization", tc.pi)
		}
		if tc.authz != "" {
			req.Header.Set("Authorization", tc.authz)
		}
		c := echo.New().NewContext(req, httptest.NewRecorder())
		if got := bearer(c); got != tc.want {
			t.Errorf("bearer(%q, %q) = %q, want %q", tc.pi, tc.authz, got, tc.want)
		}
	}
	if strings.Contains(decodingError("x").message, "secret") {
		t.Error("a decoding error must not talk about the secret")
	}
}

// BenchmarkTokenVerify is the token step of every privacyIDEA request
// (issue 21): parsed and verified each time (as before), and remembered.
func BenchmarkTokenVerify(b *testing.B) {
	alice := account{id: "5f1c0d2e-id", dn: "uid=alice,ou=people,dc=example,dc=com", username: "alice", resolver: "people", realm: "corp"}
	for _, tc := range []struct {
		name string
		tk   tokens
	}{
		{"parsed", tokens{secret: []byte("0123456789abcdef0123"), lifetime: time.Hour, now: time.Now}},
		{"remembered", newTokens([]byte("0123456789abcdef0123"), time.Hour, time.Now)},
	} {
		raw, err := tc.tk.issue(alice, roleAdmin, []string{"userlist"})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, apiErr := tc.tk.verify(raw); apiErr != nil {
					b.Fatal(apiErr)
				}
			}
		})
	}
}
