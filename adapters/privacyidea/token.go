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
)

// Roles a token carries.
const (
	roleAdmin = "admin"
	roleUser  = "user"
)

// claims are what privacyIDEA puts in its JWT (api/auth.py): who, in which
// realm, with which role, until when.
type claims struct {
	Username string   `json:"username"`
	Realm    string   `json:"realm"`
	Role     string   `json:"role"`
	AuthType string   `json:"authtype"`
	Nonce    string   `json:"nonce"`
	Rights   []string `json:"rights"`
	jwt.RegisteredClaims
}

// tokens issues and verifies HS256 JWTs with the configured secret. It
// keeps no state: any replica with the same secret accepts a token.
type tokens struct {
	secret   []byte
	lifetime time.Duration
	now      func() time.Time
}

func (t tokens) issue(username, realmName, role string, rights []string) (string, error) {
	nonce := make([]byte, 16)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("token nonce: %w", err)
	}
	now := t.now()
	c := claims{
		Username: username, Realm: realmName, Role: role, AuthType: "password",
		Nonce: hex.EncodeToString(nonce), Rights: rights,
		RegisteredClaims: jwt.RegisteredClaims{
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(t.lifetime)),
		},
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(t.secret)
}

// verify checks a token's signature, then its expiry, as PyJWT does: a
// forged token is a decoding error even when it has expired too.
func (t tokens) verify(raw string) (*claims, *apiError) {
	var c claims
	_, err := jwt.ParseWithClaims(raw, &c, func(*jwt.Token) (any, error) { return t.secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(t.now))
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, authError(codeExpired, "Authentication failure. Your token has expired: Signature has expired")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return nil, decodingError("Signature verification failed")
	case err != nil:
		return nil, decodingError("Invalid token")
	case c.Username == "" || (c.Role != roleAdmin && c.Role != roleUser):
		return nil, decodingError("Invalid payload")
	}
	return &c, nil
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
