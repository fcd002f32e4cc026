package openapi

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Token issuers and audiences. Login and invitation tokens are signed with
// different secrets and carry different audiences, so neither can be
// replayed as the other.
const (
	tokenIssuer        = "dirgate"
	loginAudience      = "dirgate-openapi"
	invitationAudience = "dirgate-openapi-invitation"
)

// clockSkew is how far replicas' clocks may disagree.
const clockSkew = 30 * time.Second

// loginClaims are the claims of a login token. The subject is the user's
// stable id, so a rename does not invalidate the token.
type loginClaims struct {
	jwt.RegisteredClaims
	Username string `json:"name"`
	// DN is where the user's entry was at login: every request reads the
	// user there first (on LDAP a base-object read instead of a search by
	// id) and trusts what it finds only when its id is the subject.
	// Tokens issued without it are read by id.
	DN string `json:"dn,omitempty"`
	// Admin is decided at login and holds for the token's short life.
	Admin bool `json:"adm,omitempty"`
	// Actor is the admin who impersonates the subject (RFC 8693 "act").
	Actor *actorClaim `json:"act,omitempty"`
}

type actorClaim struct {
	Subject  string `json:"sub"`
	Username string `json:"name"`
}

// invitationClaims are the claims of an invitation token: the subject is
// the invited (pending) user's id.
type invitationClaims struct {
	jwt.RegisteredClaims
}

// signer issues and verifies HS256 tokens of one audience.
type signer struct {
	key      []byte
	verify   []jwt.VerificationKey
	audience string
	lifetime time.Duration
	now      func() time.Time
}

func newSigner(secret string, previous []string, audience string, lifetime time.Duration, now func() time.Time) *signer {
	s := &signer{key: []byte(secret), audience: audience, lifetime: lifetime, now: now}
	s.verify = append(s.verify, s.key)
	for _, p := range previous {
		s.verify = append(s.verify, []byte(p))
	}
	return s
}

// registered fills the standard claims of a new token for subject.
func (s *signer) registered(subject string) (jwt.RegisteredClaims, time.Time) {
	now := s.now()
	exp := now.Add(s.lifetime)
	return jwt.RegisteredClaims{
		Issuer:    tokenIssuer,
		Subject:   subject,
		Audience:  jwt.ClaimStrings{s.audience},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	}, exp
}

// sign signs claims built on registered.
func (s *signer) sign(claims jwt.Claims) (string, error) {
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.key)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return tok, nil
}

// errTokenExpired tells an expired token from a forged or malformed one.
var errTokenExpired = errors.New("token expired")

// parse verifies a token of this signer's audience into claims.
func (s *signer) parse(token string, claims jwt.Claims) error {
	keys := jwt.VerificationKeySet{Keys: s.verify}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return keys, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithAudience(s.audience),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(clockSkew),
		jwt.WithTimeFunc(s.now),
	)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return fmt.Errorf("%w: %v", errTokenExpired, err)
	default:
		return fmt.Errorf("invalid token: %w", err)
	}
	sub, err := claims.GetSubject()
	if err != nil || sub == "" {
		return errors.New("invalid token: no subject")
	}
	return nil
}
