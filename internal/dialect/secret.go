package dialect

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"math/big"
	"strings"
)

// A generated secret (an AD-web API secret, a SCIM bearer token) is
// stored only as SecretHashPrefix followed by the hex SHA-256 of the
// secret. A fast hash is sound because dirgate generates every such secret
// with RandomAlphanumeric and 48 characters (about 285 bits): no preimage
// can be guessed, and a slow, salted hash would be paid on every request,
// a denial-of-service lever.
const SecretHashPrefix = "sha256:"

// SecretHash is a stored secret's hash, decoded.
type SecretHash [sha256.Size]byte

// ErrNoSecretHashPrefix is ParseSecretHash's answer to a value that does
// not start with SecretHashPrefix.
var ErrNoSecretHashPrefix = fmt.Errorf("must start with %q", SecretHashPrefix)

// HashSecret returns the form of a secret that goes into the
// configuration.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return SecretHashPrefix + hex.EncodeToString(sum[:])
}

// ParseSecretHash reads a stored hash, as HashSecret writes it.
func ParseSecretHash(s string) (SecretHash, error) {
	var out SecretHash
	h, ok := strings.CutPrefix(s, SecretHashPrefix)
	if !ok {
		return out, ErrNoSecretHashPrefix
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != sha256.Size {
		return out, fmt.Errorf("must be %q followed by %d hex digits", SecretHashPrefix, 2*sha256.Size)
	}
	copy(out[:], b)
	return out, nil
}

// Matches reports, in constant time, whether presented is the secret h is
// the hash of.
func (h *SecretHash) Matches(presented string) bool {
	sum := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(sum[:], h[:]) == 1
}

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// RandomAlphanumeric returns n characters from crypto/rand, each one of
// the 62 letters and digits.
func RandomAlphanumeric(n int) (string, error) {
	b := make([]byte, n)
	limit := big.NewInt(int64(len(alphanumeric)))
	for i := range b {
		j, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return "", err
		}
		b[i] = alphanumeric[j.Int64()]
	}
	return string(b), nil
}
