package privacyidea

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/tokenmemo"
)

// Roles a token carries.
const (
	roleAdmin = "admin"
	roleUser  = "user"
)

// claims are what privacyIDEA puts in its JWT (api/auth.py): who, in which
// realm, with which role, until when. dirgate adds the account itself:
// its stable id as the subject, the DN it had at login and the resolver
// that found it, so every request reads that one entry again (at the DN
// first, by id when another or no entry is there) instead of trusting a
// name someone else can take.
type claims struct {
	Username string   `json:"username"`
	Realm    string   `json:"realm"`
	Role     string   `json:"role"`
	AuthType string   `json:"authtype"`
	Nonce    string   `json:"nonce"`
	Rights   []string `json:"rights"`
	DN       string   `json:"dn,omitempty"`
	Resolver string   `json:"resolver,omitempty"`
	jwt.RegisteredClaims
}

// account is who a token is issued to.
type account struct {
	id, dn, username, resolver, realm string
}

// tokens issues and verifies HS256 JWTs with the configured secret. It
// keeps no state a replica needs: any replica with the same secret
// accepts a token. verified remembers tokens already verified here
// (internal/tokenmemo), whose expiry is checked again on every use.
type tokens struct {
	secret    []byte
	lifetime  time.Duration
	now       func() time.Time
	verified  *tokenmemo.Memo[claims]
	validator *jwt.Validator // of verified's tokens, with options' checks
}

func newTokens(secret []byte, lifetime time.Duration, now func() time.Time) tokens {
	t := tokens{secret: secret, lifetime: lifetime, now: now, verified: tokenmemo.New[claims](verifiedTokens)}
	t.validator = jwt.NewValidator(t.options()...)
	return t
}

// verifiedTokens bounds the memo: more than the tokens a deployment's
// clients hold at once.
const verifiedTokens = 4096

func (t tokens) issue(a account, role string, rights []string) (string, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("token nonce: %w", err)
	}
	now := t.now()
	c := claims{
		Username: a.username, Realm: a.realm, Role: role, AuthType: "password",
		Nonce: hex.EncodeToString(nonce), Rights: rights, DN: a.dn, Resolver: a.resolver,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   a.id,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.lifetime)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
}

// verify checks a token's signature, then its expiry, as PyJWT does: a
// forged token is a decoding error even when it has expired too.
func (t tokens) verify(raw string) (*claims, *apiError) {
	c, err := t.decode(raw)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, authError(codeExpired, "Authentication failure. Your token has expired: Signature has expired")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return nil, decodingError("Signature verification failed")
	case err != nil:
		return nil, decodingError("Invalid token")
	case c.Username == "" || (c.Role != roleAdmin && c.Role != roleUser):
		return nil, decodingError("Invalid payload")
	case c.Subject == "" || c.Resolver == "":
		// A token that names no account (issued before tokens named
		// one) could only be matched to a name: refused, log in again.
		return nil, decodingError("Invalid payload")
	}
	return &c, nil
}

// decode parses and verifies raw, or takes the claims of a token verified
// before and checks its times again, with the same options and the same
// error as the parser's.
func (t tokens) decode(raw string) (claims, error) {
	if t.verified != nil {
		if c, ok := t.verified.Get(raw); ok {
			if err := t.validator.Validate(&c); err != nil {
				t.verified.Forget(raw)
				return c, fmt.Errorf("%w: %w", jwt.ErrTokenInvalidClaims, err)
			}
			return c, nil
		}
	}
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.secret, nil }, t.options()...)
	if err == nil && t.verified != nil {
		t.verified.Put(raw, c)
	}
	return c, err
}

func (t tokens) options() []jwt.ParserOption {
	return []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now),
	}
}

func decodingError(reason string) *apiError {
	return authError(codeDecoding, "Authentication failure. Error decoding the Authorization token: "+reason)
}

// bearer reads the token as privacyIDEA does, from PI-Authorization, else
// Authorization; a "Bearer " prefix, which generic HTTP clients add, is
// accepted too.
func bearer(c echo.Context) string {
	h := c.Request().Header
	raw := strings.TrimSpace(h.Get("PI-Authorization"))
	if raw == "" {
		raw = strings.TrimSpace(h.Get(echo.HeaderAuthorization))
	}
	if len(raw) > len("Bearer ") && strings.EqualFold(raw[:len("Bearer ")], "Bearer ") {
		raw = strings.TrimSpace(raw[len("Bearer "):])
	}
	return raw
}
