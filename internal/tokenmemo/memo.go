// Package tokenmemo remembers the claims of bearer tokens whose signature
// has verified, so that a client presenting the same token on every
// request — as privacyIDEA's and the OpenAPI dialect's clients do — is
// not decoded (JSON) and verified (HMAC) again each time: that was 10–15 %
// of dirgate's CPU per lookup with the read model on (docs/benchmarks.md,
// issue 21).
//
// What it keeps is a function of the token's text and the signing key
// alone, never of the directory: the time checks (expiry, not-before,
// audience, issuer) are run again on every use by the caller, and the
// account a token names is read again on every request as before. A memo
// lives as long as the key it verified with.
//
// Tokens are keyed by their SHA-256, so that the map's comparison of keys
// cannot leak, by its timing, how much of a presented token matches a
// remembered one, and so that a remembered token's text is not kept.
package tokenmemo

import (
	"crypto/sha256"
	"sync"
)

// Memo is a bounded set of verified tokens and their claims. The zero
// value is not usable; New makes one.
type Memo[C any] struct {
	mu     sync.RWMutex
	claims map[[sha256.Size]byte]C
	max    int
}

// New returns a memo of at most max tokens.
func New[C any](max int) *Memo[C] {
	return &Memo[C]{claims: make(map[[sha256.Size]byte]C), max: max}
}

// Get returns a copy of the claims remembered for token, if any. The
// copy is shallow: callers read the claims' slices and pointers, they do
// not change them.
func (m *Memo[C]) Get(token string) (C, bool) {
	k := sha256.Sum256([]byte(token))
	m.mu.RLock()
	c, ok := m.claims[k]
	m.mu.RUnlock()
	return c, ok
}

// Put remembers the claims of a token whose signature has just verified.
// A full memo forgets one token it holds, any: tokens are cheap to verify
// again, and only a client that holds valid tokens can fill it.
func (m *Memo[C]) Put(token string, c C) {
	k := sha256.Sum256([]byte(token))
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.claims[k]; !ok && len(m.claims) >= m.max {
		for old := range m.claims {
			delete(m.claims, old)
			break
		}
	}
	m.claims[k] = c
}

// Forget drops token, once its claims no longer validate (expired).
func (m *Memo[C]) Forget(token string) {
	k := sha256.Sum256([]byte(token))
	m.mu.Lock()
	delete(m.claims, k)
	m.mu.Unlock()
}

// Len is how many tokens the memo holds.
func (m *Memo[C]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.claims)
}
