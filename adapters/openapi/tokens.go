package openapi

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/dirgate/dirgate/internal/tokenmemo"
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
	// Admin says the token was issued with admin rights. It only ever
	// narrows: every request of such a token asks the directory again
	// whether its user is still an admin, and refuses it if not.
	Admin bool `json:"adm,omitempty"`
	// Actor is the admin who impersonates the subject (RFC 8693 "act").
	Actor *actorClaim `json:"act,omitempty"`
}

// actorClaim is an admin impersonating the token's subject, by stable id
// and the DN it had then (read as the subject is). An admin acting with
// an impersonation token in turn is the actor's own actor, as RFC 8693
// nests "act": the chain ends at the originating admin, and every request
// checks every admin in it.
type actorClaim struct {
	Subject  string      `json:"sub"`
	Username string      `json:"name"`
	DN       string      `json:"dn,omitempty"`
	Actor    *actorClaim `json:"act,omitempty"`
}

// maxActors bounds an impersonation chain, and with it the directory
// reads a request of its token costs.
const maxActors = 4

// depth is how many admins the chain holds.
func (a *actorClaim) depth() int {
	n := 0
	for ; a != nil; a = a.Actor {
		n++
	}
	return n
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
	// validator checks a remembered token's claims with the parser's
	// options (parseLogin).
	validator *jwt.Validator
}

func newSigner(secret string, previous []string, audience string, lifetime time.Duration, now func() time.Time) *signer {
	s := &signer{key: []byte(secret), audience: audience, lifetime: lifetime, now: now}
	s.validator = jwt.NewValidator(s.options()...)
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
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return keys, nil }, s.options()...)
	return verdict(claims, err)
}

func (s *signer) options() []jwt.ParserOption {
	return []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithAudience(s.audience),
		jwt.WithIssuer(tokenIssuer),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(clockSkew),
		jwt.WithTimeFunc(s.now),
	}
}

// verdict is parse's answer from the parser's.
func verdict(claims jwt.Claims, err error) error {
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

// parseLogin is parse of a login token through the memo of tokens
// verified before (internal/tokenmemo): a remembered token's claims are
// validated again (expiry, audience, issuer) with the parser's options,
// and give the parser's answer.
func (s *signer) parseLogin(memo *tokenmemo.Memo[loginClaims], token string, claims *loginClaims) error {
	if c, ok := memo.Get(token); ok {
		*claims = c
		err := s.validator.Validate(claims)
		if err != nil {
			memo.Forget(token)
			err = fmt.Errorf("%w: %w", jwt.ErrTokenInvalidClaims, err)
		}
		return verdict(claims, err)
	}
	if err := s.parse(token, claims); err != nil {
		return err
	}
	memo.Put(token, *claims)
	return nil
}

// verifiedLogins bounds the memo of verified login tokens: more than the
// tokens a deployment's clients hold at once.
const verifiedLogins = 4096
