package wire

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestLoneSurrogatesAreRefusedByEveryDialect: a JSON "\ud800" would be
// stored as U+FFFD by encoding/json. Each dialect refuses it in its own
// envelope with its own status for bad JSON (Artica's failures and
// Kanboard's parse errors are HTTP 200 by contract), and nothing is
// created.
func TestLoneSurrogatesAreRefusedByEveryDialect(t *testing.T) {
	q := startQuick(t)
	piToken := q.privacyIDEAToken(t)
	apiToken := q.openAPIToken(t)
	for _, s := range []string{`\ud800`, `\udfff`, `\ud83d\u0041`} {
		name := "sur" + s
		for _, c := range []struct {
			call
			status int
			check  func(map[string]any) bool
		}{
			{q.adweb("createuser", "createuser", `{"createUser":{"SamAccountName":"`+name+`","UserPrincipalName":"sur@example.com","Password":"Sur-pass-1234",`+
				`"ouDN":"ou=people,dc=example,dc=com","FQDN":"example.com"}}`, true), http.StatusBadRequest,
				func(v map[string]any) bool {
					return v["success"] == false && v["errorCode"] == "INVALID_JSON" && strings.Contains(v["message"].(string), "surrogate")
				}},
			{q.kanboard("createUser", `{"jsonrpc":"2.0","method":"createUser","params":["`+name+`","Sur-pass-1234"],"id":1}`, true),
				http.StatusOK, func(v map[string]any) bool {
					e, _ := v["error"].(map[string]any)
					return e["code"] == -32700.0 && e["message"] == "Parse error" && v["id"] == nil
				}},
			{q.privacyIDEA("POST /user", http.MethodPost, "/user", `{"user":"`+name+`","resolver":"local","password":"Sur-pass-1234"}`, piToken),
				http.StatusBadRequest, func(v map[string]any) bool {
					res, _ := v["result"].(map[string]any)
					e, _ := res["error"].(map[string]any)
					return res["status"] == false && e["code"] == 905.0 && strings.Contains(e["message"].(string), "surrogate")
				}},
			{q.openAPI("POST /users", http.MethodPost, "/users", `{"userName":"`+name+`","displayName":"S","password":"Sur-pass-1234"}`, apiToken),
				http.StatusBadRequest, func(v map[string]any) bool {
					msg, _ := v["error"].(string)
					return len(v) == 1 && strings.Contains(msg, "surrogate")
				}},
			{q.artica("POST /openldap/members", http.MethodPost, "/openldap/members",
				`{"login":"`+name+`","password":"Sur-pass-1234","ou":"example.com"}`), http.StatusOK,
				func(v map[string]any) bool {
					msg, _ := v["Error"].(string)
					return v["Status"] == false && strings.Contains(msg, "surrogate")
				}},
		} {
			r := c.do(t)
			if r.status != c.status || !c.check(r.json(t)) {
				t.Errorf("%s with %s: HTTP %d %s, want %d and the dialect's refusal", c.name, s, r.status, r.body, c.status)
			}
		}
	}
	// Nothing was stored under a name with U+FFFD (or any sur… name).
	r := q.openAPI("search", http.MethodGet, "/users?filter[userName][SW]="+url.QueryEscape("sur"), "", apiToken).do(t)
	if v := r.json(t); r.status != http.StatusOK || v["totalCount"] != 0.0 {
		t.Errorf("users named sur…: HTTP %d %s", r.status, r.body)
	}
	// A surrogate pair is a character like any other.
	r = q.openAPI("pair", http.MethodPost, "/users", `{"userName":"pair\ud83d\ude00","displayName":"P","password":"Pair-pass-1234"}`, apiToken).do(t)
	if r.status != http.StatusCreated || !strings.Contains(string(r.body), "pair\U0001F600") {
		t.Errorf("a surrogate pair: HTTP %d %s", r.status, r.body)
	}
}
