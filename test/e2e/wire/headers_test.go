package wire

import (
	"net/http"
	"testing"
)

// hardening is what every answer carries (docs/security.md, "Bounded
// answers and wire hygiene").
var hardening = map[string]string{
	"X-Content-Type-Options":  "nosniff",
	"Content-Security-Policy": "frame-ancestors 'none'",
	"X-Frame-Options":         "DENY",
}

// TestEveryAnswerCarriesTheHardeningHeaders: successes, refusals and
// unknown routes of every dialect, the server's own routes, and Artica's
// unix socket.
func TestEveryAnswerCarriesTheHardeningHeaders(t *testing.T) {
	q := startQuick(t)
	getDN := "getdn?samAccountName=" + q.admin + "&FQDN=example.com"
	calls := []struct {
		call
		status int
	}{
		{q.main("healthz", "/healthz"), http.StatusOK},
		{q.main("readyz", "/readyz"), http.StatusOK},
		{q.main("metrics", "/metrics"), http.StatusOK},
		{q.main("unknown route", "/no/such/route"), http.StatusNotFound},
		{q.adweb("getdn", getDN, "", true), http.StatusOK},
		{q.adweb("without a key", getDN, "", false), http.StatusUnauthorized},
		{q.adweb("unknown endpoint", "nosuchendpoint", "", true), http.StatusNotFound},
		{q.kanboard("getAllUsers", `{"jsonrpc":"2.0","method":"getAllUsers","id":1}`, true), http.StatusOK},
		{q.kanboard("without credentials", `{"jsonrpc":"2.0","method":"getAllUsers","id":1}`, false), http.StatusUnauthorized},
		{q.privacyIDEA("auth", http.MethodPost, "/auth", q.credentialsJSON("username"), ""), http.StatusOK},
		{q.privacyIDEA("list without a token", http.MethodGet, "/user/", "", ""), http.StatusUnauthorized},
		{q.openAPI("login", http.MethodPost, "/login", q.credentialsJSON("username"), ""), http.StatusOK},
		{q.openAPI("users without a token", http.MethodGet, "/users", "", ""), http.StatusUnauthorized},
		{q.openAPI("document", http.MethodGet, "/openapi.json", "", ""), http.StatusOK},
		{q.artica("ping", http.MethodGet, "/ping", ""), http.StatusOK},
		{q.artica("unknown member", http.MethodGet, "/openldap/members/nobody", ""), http.StatusOK},
		{q.artica("unknown route", http.MethodGet, "/no/such/route", ""), http.StatusNotFound},
	}
	for _, c := range calls {
		r := c.do(t)
		if r.status != c.status {
			t.Errorf("%s: HTTP %d, want %d: %.200s", c.name, r.status, c.status, r.body)
		}
		for k, want := range hardening {
			if got := r.header.Values(k); len(got) != 1 || got[0] != want {
				t.Errorf("%s: %s = %q, want exactly %q", c.name, k, got, want)
			}
		}
	}
}

// TestAnswersWithASecretAreNoStore: a token, a generated password or a
// login is never kept by a cache along the way.
func TestAnswersWithASecretAreNoStore(t *testing.T) {
	q := startQuick(t)
	piToken := q.privacyIDEAToken(t)
	apiToken := q.openAPIToken(t)

	// A user whose password AD-web resets, and whom OpenAPI impersonates.
	created := q.openAPI("create", http.MethodPost, "/users",
		`{"userName":"nostore","displayName":"No Store","password":"No-Store-pass-1"}`, apiToken).do(t)
	if created.status != http.StatusCreated {
		t.Fatalf("create user: HTTP %d %s", created.status, created.body)
	}
	id, _ := created.json(t)["_id"].(string)
	dn := q.adweb("getdn", "getdn?samAccountName=nostore&FQDN=example.com", "", true).do(t)
	data, _ := dn.json(t)["data"].(map[string]any)
	userDN, _ := data["distinguishedName"].(string)
	if userDN == "" {
		t.Fatalf("getdn: %s", dn.body)
	}

	reset := q.adweb("passwordreset", "passwordreset", `{"userDN":"`+userDN+`","fqdn":"example.com"}`, true)
	reset.method = http.MethodPut
	for _, c := range []call{
		q.privacyIDEA("auth", http.MethodPost, "/auth", q.credentialsJSON("username"), ""),
		q.openAPI("login", http.MethodPost, "/login", q.credentialsJSON("username"), ""),
		q.openAPI("impersonate", http.MethodPost, "/login/impersonate", `{"userId":"`+id+`"}`, apiToken),
		q.openAPI("invitation", http.MethodPost, "/invitations", `{"displayName":"Invited"}`, apiToken),
		reset,
	} {
		r := c.do(t)
		if r.status != http.StatusOK && r.status != http.StatusCreated {
			t.Errorf("%s: HTTP %d %.300s", c.name, r.status, r.body)
		}
		if got := r.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", c.name, got)
		}
	}
	// privacyIDEA's other answers keep the original's no-cache.
	list := q.privacyIDEA("list", http.MethodGet, "/user/", "", piToken).do(t)
	if got := list.header.Get("Cache-Control"); list.status != http.StatusOK || got != "no-cache" {
		t.Errorf("privacyIDEA GET /user/: HTTP %d, Cache-Control %q, want no-cache", list.status, got)
	}
}
