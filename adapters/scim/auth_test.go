package scim

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/throttle"
)

// TestBearerTokens: without a token, with another scheme and with a wrong
// token the answer is 401 in the SCIM envelope with WWW-Authenticate; a
// right token is served as application/scim+json.
func TestBearerTokens(t *testing.T) {
	h := newHarness(t)
	for name, a := range map[string]answer{
		"no token":     h.send("", http.MethodGet, "/Users", nil),
		"basic scheme": h.send("", http.MethodGet, "/Users", nil, "Authorization", "Basic YWRtaW46eA=="),
		"wrong token":  h.send(h.admin+"x", http.MethodGet, "/Users", nil),
		"empty bearer": h.send("", http.MethodGet, "/Users", nil, "Authorization", "Bearer "),
	} {
		t.Run(name, func(t *testing.T) {
			expect(t, a, http.StatusUnauthorized)
			if !strings.HasPrefix(a.header.Get("WWW-Authenticate"), "Bearer") {
				t.Fatalf("WWW-Authenticate %q", a.header.Get("WWW-Authenticate"))
			}
		})
	}
	expect(t, h.send(h.admin, http.MethodGet, "/ServiceProviderConfig", nil), http.StatusOK)
	// The scheme's name is case-insensitive (RFC 7235).
	expect(t, h.send("", http.MethodGet, "/Users", nil, "Authorization", "bearer "+h.reader), http.StatusOK)
}

// TestTokensAtRest: the configuration holds the token's hash, never the
// token, and a token is accepted by its hash alone.
func TestTokensAtRest(t *testing.T) {
	tc, tok, err := NewToken("x", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(tc.TokenHash, tok) || !strings.HasPrefix(tc.TokenHash, hashPrefix) || len(tok) != tokenLength {
		t.Fatalf("token config %+v for a token of %d characters", tc, len(tok))
	}
	c := DefaultConfig()
	c.Tokens = []TokenConfig{{Name: "clear", TokenHash: tok}}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "tokens[0].tokenHash") {
		t.Fatalf("a token in clear was accepted as its hash: %v", err)
	}
}

// TestReadOnlyToken: a read-only token reads and searches, and every
// write is 403 in the envelope, the directory unchanged.
func TestReadOnlyToken(t *testing.T) {
	h := newHarness(t)
	u := h.createUser(map[string]any{"userName": "ro-target"})
	id := u["id"].(string)
	expect(t, h.send(h.reader, http.MethodGet, "/Users/"+id, nil), http.StatusOK)
	expect(t, h.send(h.reader, http.MethodPost, "/Users/.search", map[string]any{"schemas": []string{urnSearchRequest}}), http.StatusOK)
	expect(t, h.send(h.reader, http.MethodPost, "/Users", map[string]any{"schemas": []string{urnUser}, "userName": "nope"}), http.StatusForbidden)
	expect(t, h.send(h.reader, http.MethodPatch, "/Users/"+id, patchBody(op("replace", "displayName", "X"))), http.StatusForbidden)
	expect(t, h.send(h.reader, http.MethodDelete, "/Users/"+id, nil), http.StatusForbidden)
	expect(t, h.send(h.reader, http.MethodPost, "/Groups", map[string]any{"schemas": []string{urnGroup}, "displayName": "g"}), http.StatusForbidden)
	if got := h.user(id); got == nil || got.DisplayName != "" {
		t.Fatalf("the read-only token changed the user: %+v", got)
	}
}

// TestSubtreeToken: a token limited to a subtree creates there, sees
// only what lies there, and cannot touch what does not.
func TestSubtreeToken(t *testing.T) {
	h := newHarness(t)
	outside := h.createUser(map[string]any{"userName": "outsider"})
	a := h.send(h.scoped, http.MethodPost, "/Users", map[string]any{"schemas": []string{urnUser}, "userName": "partner1"})
	expect(t, a, http.StatusCreated)
	in := h.user(a.doc(t)["id"].(string))
	if !strings.HasSuffix(strings.ToLower(in.DN), scopedOU) {
		t.Fatalf("the scoped token created %s, outside %s", in.DN, scopedOU)
	}
	list := h.send(h.scoped, http.MethodGet, "/Users", nil)
	expect(t, list, http.StatusOK)
	if got := ids(t, list); len(got) != 1 || got[0] != in.ID {
		t.Fatalf("the scoped token lists %v, want only %s", got, in.ID)
	}
	// A lookup by userName outside the subtree finds nothing.
	look := h.send(h.scoped, http.MethodGet, `/Users?filter=userName+eq+"outsider"`, nil)
	expect(t, look, http.StatusOK)
	if got := ids(t, look); len(got) != 0 || !strings.Contains(look.raw, `"totalResults":0`) {
		t.Fatalf("the scoped token looked up a user outside: %s", look.raw)
	}
	oid := outside["id"].(string)
	expect(t, h.send(h.scoped, http.MethodGet, "/Users/"+oid, nil), http.StatusForbidden)
	expect(t, h.send(h.scoped, http.MethodDelete, "/Users/"+oid, nil), http.StatusForbidden)
	if h.user(oid) == nil {
		t.Fatal("the scoped token deleted a user outside its subtree")
	}
}

// TestThrottledTokens: a client that keeps presenting wrong tokens is
// answered 429 in the SCIM envelope with Retry-After, and no token is
// compared, not even a right one.
func TestThrottledTokens(t *testing.T) {
	h := newHarness(t)
	lim := throttle.New(throttle.Config{PerAddress: throttle.Limit{Failures: 2, Refill: time.Hour}, MaxTracked: 100})
	h.core.SetThrottle(lim)
	for range 2 {
		expect(t, h.send("wrong", http.MethodGet, "/Users", nil), http.StatusUnauthorized)
	}
	a := h.send(h.admin, http.MethodGet, "/Users", nil)
	expect(t, a, http.StatusTooManyRequests)
	if a.header.Get("Retry-After") == "" {
		t.Fatal("429 without Retry-After")
	}
}

// TestHiddenManagerKept: a token limited to a subtree does not see a
// manager outside it, and its PATCH of another attribute leaves that
// manager in place.
func TestHiddenManagerKept(t *testing.T) {
	h := newHarness(t)
	boss := h.createUser(map[string]any{"userName": "far-boss"})
	a := h.send(h.scoped, http.MethodPost, "/Users", map[string]any{"schemas": []string{urnUser}, "userName": "partner2"})
	expect(t, a, http.StatusCreated)
	id := a.doc(t)["id"].(string)
	expect(t, h.call(http.MethodPatch, "/Users/"+id, patchBody(op("replace", urnEnterprise+":manager", boss["id"]))), http.StatusOK)
	seen := h.send(h.scoped, http.MethodPatch, "/Users/"+id, patchBody(op("replace", "title", "Partner")))
	expect(t, seen, http.StatusOK)
	if strings.Contains(seen.raw, boss["id"].(string)) {
		t.Fatalf("the scoped token sees a manager outside its subtree: %s", seen.raw)
	}
	u := h.user(id)
	if u.Title != "Partner" || first(u.Attributes, "manager") != h.user(boss["id"].(string)).DN {
		t.Fatalf("after the scoped PATCH: title %q, manager %q", u.Title, first(u.Attributes, "manager"))
	}
}
