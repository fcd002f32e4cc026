package artica

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"net/netip"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/identity"
)

// Headers Artica clients send their key in.
const (
	headerAuthToken = "X-Auth-Token"
	headerAPIKey    = "X-API-Key"
)

// Context keys of the authenticated TCP caller.
const (
	keyCallerName     = "artica.caller"
	keyCallerReadOnly = "artica.readOnly"
	keyCallerRestore  = "artica.restore"
)

// socketCaller names unix-socket callers in the audit log.
const socketCaller = "socket"

// apiKey is an accepted key, kept as its SHA-256 only.
type apiKey struct {
	name     string
	sum      [sha256.Size]byte
	readOnly bool
	restore  bool
}

// digest returns the SHA-256 a configured key is compared by.
func (k APIKey) digest() ([sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	switch {
	case k.Hash != "" && k.Key != "":
		return sum, errors.New("set hash or key, not both")
	case k.Key != "":
		if len(k.Key) < 16 {
			return sum, errors.New("key: must be at least 16 characters")
		}
		return sha256.Sum256([]byte(k.Key)), nil
	case k.Hash != "":
		hexSum, ok := strings.CutPrefix(k.Hash, "sha256:")
		raw, err := hex.DecodeString(hexSum)
		if !ok || err != nil || len(raw) != sha256.Size {
			return sum, errors.New(`hash: must be "sha256:" followed by 64 hex digits`)
		}
		copy(sum[:], raw)
		return sum, nil
	default:
		return sum, errors.New("hash (or key) is required")
	}
}

// HashKey returns the configuration form of a key: "sha256:<hex>".
func HashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// requireKey guards a TCP listener: the client's address must be inside
// the allow-list and it must present a configured key. Both failures get
// Artica's 403 "Authentication failed", so a scanner learns nothing.
func (d *Dialect) requireKey(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if !d.allowed(dialect.ClientAddr(c)) {
			d.log.Warn("artica TCP client outside the allow-list", "remote", c.Request().RemoteAddr,
				"client", dialect.ClientAddr(c).String())
			return authFailed(c)
		}
		presented := c.Request().Header.Get(headerAuthToken)
		if presented == "" {
			presented = c.Request().Header.Get(headerAPIKey)
		}
		// Throttled by the client's address before the key is compared.
		check, err := d.domain.BeginCheck(dialect.Caller(c, Name, "apikey", identity.Scope{}), "")
		if err != nil {
			return d.failErr(c, "API key", err)
		}
		key, ok := d.match(presented)
		if !ok {
			check.Failed()
			d.log.Warn("artica TCP client without a valid key", "remote", c.Request().RemoteAddr,
				"client", dialect.ClientAddr(c).String())
			return authFailed(c)
		}
		check.Succeeded()
		c.Set(keyCallerName, "apikey:"+key.name)
		dialect.SetCredential(c, "apikey:"+key.name)
		c.Set(keyCallerReadOnly, key.readOnly)
		c.Set(keyCallerRestore, key.restore)
		return next(c)
	}
}

// match compares the presented key with every configured one in constant
// time, without stopping at the first hit.
func (d *Dialect) match(presented string) (apiKey, bool) {
	if presented == "" {
		return apiKey{}, false
	}
	sum := sha256.Sum256([]byte(presented))
	var found apiKey
	hit := 0
	for _, k := range d.keys {
		if subtle.ConstantTimeCompare(sum[:], k.sum[:]) == 1 {
			found, hit = k, 1
		}
	}
	return found, hit == 1
}

func (d *Dialect) allowed(addr netip.Addr) bool {
	if !addr.IsValid() {
		return false
	}
	for _, p := range d.allow {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// callerOf names the request's caller and says whether it may only read.
func callerOf(c echo.Context) (name string, readOnly bool) {
	name, _ = c.Get(keyCallerName).(string)
	if name == "" {
		return socketCaller, false
	}
	readOnly, _ = c.Get(keyCallerReadOnly).(bool)
	return name, readOnly
}

// mayRestore says whether the request's caller holds the restore right:
// a TCP key configured with it, or the socket unless socketRestore is
// off.
func (d *Dialect) mayRestore(c echo.Context) bool {
	if name, _ := c.Get(keyCallerName).(string); name == "" {
		return d.socketRestore
	}
	restore, _ := c.Get(keyCallerRestore).(bool)
	return restore
}
