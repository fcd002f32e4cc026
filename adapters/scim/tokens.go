package scim

import (
	"errors"
	"fmt"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// A token is stored only as "sha256:" and the hex SHA-256 of the token
// (dialect.HashSecret): dirgate generates every token with 48 random
// alphanumeric characters, so a fast hash is sound. The same reasoning as
// AD-web's API secrets.
const hashPrefix = dialect.SecretHashPrefix

const tokenLength = 48

// HashToken returns the form of a token that goes into the configuration.
func HashToken(token string) string { return dialect.HashSecret(token) }

func parseHash(s string) (dialect.SecretHash, error) { return dialect.ParseSecretHash(s) }

// NewToken generates a bearer token. The returned TokenConfig holds only
// its hash; the token is shown once and never stored.
func NewToken(name string, readOnly bool, subtrees []string) (TokenConfig, string, error) {
	token, err := dialect.RandomAlphanumeric(tokenLength)
	if err != nil {
		return TokenConfig{}, "", fmt.Errorf("generate a SCIM token: %w", err)
	}
	return TokenConfig{Name: name, TokenHash: HashToken(token), ReadOnly: readOnly, Subtrees: subtrees}, token, nil
}

// tokenring checks presented tokens against the configured ones.
type tokenring struct{ tokens []*token }

// token is one configured token, ready to check.
type token struct {
	name  string
	hash  dialect.SecretHash
	scope identity.Scope
}

func newTokenring(cfg []TokenConfig) (*tokenring, error) {
	tr := &tokenring{}
	for i, t := range cfg {
		h, err := parseHash(t.TokenHash)
		if err != nil {
			return nil, fmt.Errorf("tokens[%d].tokenHash: %w", i, err)
		}
		tr.tokens = append(tr.tokens, &token{
			name:  "scim:" + t.Name,
			hash:  h,
			scope: identity.Scope{ReadOnly: t.ReadOnly, Subtrees: append([]string(nil), t.Subtrees...)},
		})
	}
	return tr, nil
}

var errBadToken = errors.New("invalid bearer token")

// check returns the token presented. Every configured hash is compared in
// constant time, so the answer's timing says nothing about which token
// came close.
func (tr *tokenring) check(presented string) (*token, error) {
	var found *token
	for _, t := range tr.tokens {
		if t.hash.Matches(presented) {
			found = t
		}
	}
	if found == nil {
		return nil, errBadToken
	}
	return found, nil
}
