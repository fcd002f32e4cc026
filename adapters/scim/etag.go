package scim

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// A version (meta.version, the ETag header) is a weak ETag over every
// field of the entry as the directory returned it, modification time
// included: any change the directory records changes it, whichever
// client made it. A group's version covers the group's own attributes
// and its modification time, which the directory advances when members
// change; the member list itself is not read to compute it.
func version(v any) string {
	b, _ := json.Marshal(v) // plain structs: cannot fail
	sum := sha256.Sum256(b)
	return `W/"` + hex.EncodeToString(sum[:12]) + `"`
}

func userVersion(u *directory.User) string   { return version(u) }
func groupVersion(g *directory.Group) string { return version(g) }

// matchesETag reports whether an If-Match / If-None-Match header value
// names the version ("*" names any). Weak and strong forms compare equal,
// as RFC 7232's weak comparison does.
func matchesETag(header, current string) bool {
	strip := func(s string) string { return strings.TrimPrefix(strings.TrimSpace(s), "W/") }
	for _, tag := range strings.Split(header, ",") {
		if t := strings.TrimSpace(tag); t == "*" || strip(t) == strip(current) {
			return true
		}
	}
	return false
}

// checkPreconditions applies If-Match and If-None-Match to a write on a
// resource at version current: 412 when they do not hold.
func checkPreconditions(r *request, current string) error {
	h := r.c.Request().Header
	if m := h.Get("If-Match"); m != "" && !matchesETag(m, current) {
		return newError(http.StatusPreconditionFailed, "", "the resource's version is %s, not the one If-Match names", current)
	}
	if m := h.Get("If-None-Match"); m != "" && matchesETag(m, current) {
		return newError(http.StatusPreconditionFailed, "", "the resource's version matches If-None-Match")
	}
	return nil
}
