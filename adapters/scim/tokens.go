package scim

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/dirgate/dirgate/pkg/identity"
)

// A token is stored only as "sha256:" and the hex SHA-256 of the token. A
// fast hash is sound because dirgate generates every token with 48 random
// alphanumeric characters (about 285 bits): no preimage can be guessed,
// and a slow hash would be paid on every request, a denial-of-service
// lever. The same reasoning as AD-web's API secrets.
const hashPrefix = "sha256:"

const (
	tokenLength  = 48
	alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// HashToken returns the form of a token that goes into the configuration.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hashPrefix + hex.EncodeToString(sum[:])
}

func parseHash(s string) ([sha256.Size]byte, error) {
	var out [sha256.Size]byte
	h, ok := strings.CutPrefix(s, hashPrefix)
	if !ok {
		return out, fmt.Errorf("must start with %q", hashPrefix)
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != sha256.Size {
		return out, fmt.Errorf("must be %q followed by %d hex digits", hashPrefix, 2*sha256.Size)
	}
	copy(out[:], b)
	return out, nil
}

// NewToken generates a bearer token. The returned TokenConfig holds only
// its hash; the token is shown once and never stored.
func NewToken(name string, readOnly bool, subtrees []string) (TokenConfig, string, error) {
	b := make([]byte, tokenLength)
	limit := big.NewInt(int64(len(alphanumeric)))
	for i := range b {
		j, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return TokenConfig{}, "", fmt.Errorf("generate a SCIM token: %w", err)
		}
		b[i] = alphanumeric[j.Int64()]
	}
	token := string(b)
	return TokenConfig{Name: name, TokenHash: HashToken(token), ReadOnly: readOnly, Subtrees: subtrees}, token, nil
}

// tokenring checks presented tokens against the configured ones.
type tokenring struct{ tokens []*token }

// token is one configured token, ready to check.
type token struct {
	name  string
	hash  [sha256.Size]byte
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
	sum := sha256.Sum256([]byte(presented))
	var found *token
	for _, t := range tr.tokens {
		if subtle.ConstantTimeCompare(sum[:], t.hash[:]) == 1 {
			found = t
		}
	}
	if found == nil {
		return nil, errBadToken
	}
	return found, nil
}
