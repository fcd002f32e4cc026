package adweb

import (
	"errors"
	"fmt"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// An API secret is stored only as "sha256:" followed by the hex SHA-256 of
// the secret (dialect.HashSecret). A fast hash is sound here because
// dirgate generates every secret with 48 random alphanumeric characters
// (about 285 bits): nobody can guess a preimage, so a slow, salted hash
// (argon2id, bcrypt) would add nothing but cost, and that cost would be
// paid on every request, which makes it a denial-of-service lever. See
// docs/dialects/adweb.md.
const hashPrefix = dialect.SecretHashPrefix

// Lengths of generated credentials, alphanumeric like the original's.
const (
	keyLength    = 36
	secretLength = 48
)

// HashSecret returns the form of an API secret that goes into the
// configuration.
func HashSecret(secret string) string { return dialect.HashSecret(secret) }

// parseHash reads a stored secret hash.
func parseHash(s string) (dialect.SecretHash, error) {
	h, err := dialect.ParseSecretHash(s)
	if errors.Is(err, dialect.ErrNoSecretHashPrefix) {
		return h, fmt.Errorf("must start with %q (generate keys with `dirgate apikey create`)", hashPrefix)
	}
	return h, err
}

// NewKey generates an API key and its secret. The returned KeyConfig holds
// only the secret's hash; the secret itself is shown once and never stored.
func NewKey(name string, readOnly bool, subtrees []string) (KeyConfig, string, error) {
	key, err := randomString(keyLength)
	if err != nil {
		return KeyConfig{}, "", err
	}
	secret, err := randomString(secretLength)
	if err != nil {
		return KeyConfig{}, "", err
	}
	return KeyConfig{
		Name: name, Key: key, SecretHash: HashSecret(secret), ReadOnly: readOnly, Subtrees: subtrees,
	}, secret, nil
}

func randomString(n int) (string, error) {
	s, err := dialect.RandomAlphanumeric(n)
	if err != nil {
		return "", fmt.Errorf("generate API credentials: %w", err)
	}
	return s, nil
}

// keyring checks presented credentials against the configured keys.
type keyring struct {
	byKey map[string]*apiKey
	// decoy is compared against when the key is unknown, so an unknown key
	// costs the same time as a wrong secret.
	decoy apiKey
}

// apiKey is one configured key, ready to check.
type apiKey struct {
	name  string
	hash  dialect.SecretHash
	scope identity.Scope
}

func newKeyring(keys []KeyConfig) (*keyring, error) {
	kr := &keyring{byKey: make(map[string]*apiKey, len(keys))}
	for i, k := range keys {
		h, err := parseHash(k.SecretHash)
		if err != nil {
			return nil, fmt.Errorf("keys[%d].secretHash: %w", i, err)
		}
		kr.byKey[k.Key] = &apiKey{
			name:  k.callerName(),
			hash:  h,
			scope: identity.Scope{ReadOnly: k.ReadOnly, Subtrees: append([]string(nil), k.Subtrees...)},
		}
	}
	return kr, nil
}

var errBadCredentials = errors.New("invalid ApiKey or ApiSecret")

// check returns the key the pair belongs to. The secret's hash is compared
// in constant time whether or not the key exists.
func (kr *keyring) check(key, secret string) (*apiKey, error) {
	k, known := kr.byKey[key]
	if !known {
		k = &kr.decoy
	}
	match := k.hash.Matches(secret)
	if !known || !match {
		return nil, errBadCredentials
	}
	return k, nil
}
