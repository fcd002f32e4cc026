package embedded

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Passwords are stored as OpenLDAP's argon2 module writes them:
//
//	{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// (base64 without padding), so that an export imports into OpenLDAP and
// still verifies there.

// Argon2Params are the argon2id parameters of new hashes.
type Argon2Params struct {
	// Memory in KiB.
	Memory uint32 `mapstructure:"memory"`
	// Iterations (argon2's t).
	Iterations uint32 `mapstructure:"iterations"`
	// Parallelism (argon2's p). OpenLDAP built with libsodium verifies
	// only p=1.
	Parallelism uint8 `mapstructure:"parallelism"`
	// SaltLength and KeyLength in bytes.
	SaltLength uint32 `mapstructure:"saltLength"`
	KeyLength  uint32 `mapstructure:"keyLength"`
}

// DefaultArgon2 are OWASP's argon2id minimum (m=19 MiB, t=2, p=1): about
// 30 ms per hash on one core of a current x86 machine, so a logon stays
// fast while guessing stays expensive.
func DefaultArgon2() Argon2Params {
	return Argon2Params{Memory: 19456, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}
}

// Limits of hashes the store accepts: beyond them a single verification
// could take the process's memory or minutes of CPU.
const (
	maxArgon2Memory     = 1 << 20 // KiB: 1 GiB
	maxArgon2Iterations = 64
	maxArgon2KeyLength  = 1024
)

func (p Argon2Params) validate(key string) []error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: %s.%s: %s", directory.ErrInvalidInput, key, field, fmt.Sprintf(format, args...)))
	}
	if p.Parallelism == 0 {
		bad("parallelism", "must be at least 1")
	}
	if p.Memory < 8*uint32(max(p.Parallelism, 1)) || p.Memory > maxArgon2Memory {
		bad("memory", "%d KiB is outside %d..%d", p.Memory, 8*uint32(max(p.Parallelism, 1)), maxArgon2Memory)
	}
	if p.Iterations == 0 || p.Iterations > maxArgon2Iterations {
		bad("iterations", "%d is outside 1..%d", p.Iterations, maxArgon2Iterations)
	}
	if p.SaltLength < 8 || p.SaltLength > 64 {
		bad("saltLength", "%d is outside 8..64", p.SaltLength)
	}
	if p.KeyLength < 16 || p.KeyLength > 64 {
		bad("keyLength", "%d is outside 16..64", p.KeyLength)
	}
	return errs
}

// hasher makes and checks password hashes.
type hasher struct{ p Argon2Params }

func (p Argon2Params) hasher() hasher { return hasher{p: p} }

const argon2Scheme = "{ARGON2}"

var b64 = base64.RawStdEncoding

// hash returns the userPassword value for password.
func (h hasher) hash(password string) (string, error) {
	salt := make([]byte, h.p.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("%w: reading random salt: %w", directory.ErrUnavailable, err)
	}
	key := argon2.IDKey([]byte(password), salt, h.p.Iterations, h.p.Memory, h.p.Parallelism, h.p.KeyLength)
	return fmt.Sprintf("%s$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2Scheme, argon2.Version,
		h.p.Memory, h.p.Iterations, h.p.Parallelism, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// dummy spends the time of a verification, so that a logon of an unknown
// user takes as long as one with a wrong password.
func (h hasher) dummy(password string) {
	_ = argon2.IDKey([]byte(password), make([]byte, h.p.SaltLength), h.p.Iterations, h.p.Memory,
		h.p.Parallelism, h.p.KeyLength)
}

// argon2Hash is a parsed hash.
type argon2Hash struct {
	variant    string // argon2id or argon2i
	memory     uint32
	iterations uint32
	threads    uint8
	salt, key  []byte
}

var errUnsupportedScheme = errors.New("unsupported password scheme")

// parseArgon2 parses an {ARGON2} userPassword value.
func parseArgon2(stored string) (argon2Hash, error) {
	var h argon2Hash
	if len(stored) < len(argon2Scheme) || !strings.EqualFold(stored[:len(argon2Scheme)], argon2Scheme) {
		// Name the scheme for the logs, never any of the value: without a
		// {scheme} it may be a password in clear.
		scheme, _, found := strings.Cut(stored, "}")
		if !found || !strings.HasPrefix(scheme, "{") || len(scheme) > 16 {
			return h, fmt.Errorf("%w: no {scheme} prefix (a password in clear?)", errUnsupportedScheme)
		}
		return h, fmt.Errorf("%w %s}", errUnsupportedScheme, scheme)
	}
	parts := strings.Split(stored[len(argon2Scheme):], "$")
	if len(parts) != 6 || parts[0] != "" {
		return h, errors.New("argon2 hash: want $variant$v=19$m=..,t=..,p=..$salt$hash")
	}
	h.variant = parts[1]
	if h.variant != "argon2id" && h.variant != "argon2i" {
		return h, fmt.Errorf("argon2 hash: variant %q is not argon2id or argon2i", h.variant)
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, fmt.Errorf("argon2 hash: version %q is not v=%d", parts[2], argon2.Version)
	}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, _ := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil {
			return h, fmt.Errorf("argon2 hash: parameter %q: %w", kv, err)
		}
		switch k {
		case "m":
			h.memory = uint32(n)
		case "t":
			h.iterations = uint32(n)
		case "p":
			if n > 255 {
				return h, fmt.Errorf("argon2 hash: parallelism %d is over 255", n)
			}
			h.threads = uint8(n)
		default:
			return h, fmt.Errorf("argon2 hash: unknown parameter %q", k)
		}
	}
	var err error
	if h.salt, err = b64.DecodeString(strings.TrimRight(parts[4], "=")); err != nil {
		return h, fmt.Errorf("argon2 hash: salt: %w", err)
	}
	if h.key, err = b64.DecodeString(strings.TrimRight(parts[5], "=")); err != nil {
		return h, fmt.Errorf("argon2 hash: key: %w", err)
	}
	switch {
	case h.threads == 0 || h.iterations == 0 || h.iterations > maxArgon2Iterations:
		return h, fmt.Errorf("argon2 hash: t=%d p=%d out of range", h.iterations, h.threads)
	case h.memory < 8*uint32(h.threads) || h.memory > maxArgon2Memory:
		return h, fmt.Errorf("argon2 hash: m=%d out of range", h.memory)
	case len(h.salt) < 8 || len(h.key) < 4 || len(h.key) > maxArgon2KeyLength:
		return h, errors.New("argon2 hash: salt or key length out of range")
	}
	return h, nil
}

// verify reports whether password matches the stored value, comparing in
// constant time. An unreadable hash never matches.
func verify(stored, password string) (bool, error) {
	h, err := parseArgon2(stored)
	if err != nil {
		return false, err
	}
	var key []byte
	if h.variant == "argon2id" {
		key = argon2.IDKey([]byte(password), h.salt, h.iterations, h.memory, h.threads, uint32(len(h.key)))
	} else {
		key = argon2.Key([]byte(password), h.salt, h.iterations, h.memory, h.threads, uint32(len(h.key)))
	}
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}
