package throttle_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// quickStart runs the quick start (embedded store, lockout after 5
// failures) and returns it with the admin's name and password.
func quickStart(t *testing.T) (p *e2eutil.Process, user, password string) {
	t.Helper()
	p = e2eutil.Start(t, e2eutil.Options{})
	admin, _ := p.Credentials()["admin"].(map[string]any)
	user, _ = admin["username"].(string)
	password, _ = admin["password"].(string)
	if user == "" || password == "" {
		t.Fatalf("quick start credentials: %v", p.Credentials())
	}
	return p, user, password
}

// TestKanboardFloodCannotLockAdmin is the finding: unauthenticated HTTP
// Basic requests with wrong passwords for admin used to lock it in a
// fraction of a second. Now three of a parallel flood reach the store
// (its threshold is five), the rest are 429 in Kanboard's envelope, and
// the admin logs in at once from another address, through Kanboard and
// OpenAPI.
func TestKanboardFloodCannotLockAdmin(t *testing.T) {
	p, admin, password := quickStart(t)
	url := p.URL + "/jsonrpc.php"
	attacker := from("127.0.0.1")
	answers := flood(t, 40, func() answer { return do(t, attacker, http.MethodPost, url, getAllUsers, basic(admin, "wrong-guess")) })
	counts := tally(t, "kanboard flood", answers, kanboard429)
	if counts[http.StatusUnauthorized] != 3 || counts[http.StatusTooManyRequests] != 37 {
		t.Fatalf("flood answers by status: %v; want 3 × 401 and 37 × 429", counts)
	}
	// The right password from the attacker's address is held back too.
	if a := do(t, attacker, http.MethodPost, url, getAllUsers, basic(admin, password)); a.status != http.StatusTooManyRequests {
		t.Errorf("the right password from the throttled address: HTTP %d %s", a.status, a.body)
	}

	owner := from("127.0.0.2")
	if a := do(t, owner, http.MethodPost, url, getAllUsers, basic(admin, password)); a.status != http.StatusOK {
		t.Fatalf("the admin from another address after the flood: HTTP %d %s", a.status, a.body)
	}
	login := fmt.Sprintf(`{"username":%q,"password":%q}`, admin, password)
	if a := do(t, from("127.0.0.3"), http.MethodPost, p.URL+"/api/login", login, nil); a.status != http.StatusOK {
		t.Fatalf("OpenAPI login of the admin after the flood: HTTP %d %s", a.status, a.body)
	}
}

// TestEveryDialectThrottlesPerAddress: each dialect's credential check,
// flooded from its own address, answers 429 with Retry-After in its own
// envelope once the address's budget is spent: three wrong passwords for
// one account, twenty wrong keys or unknown names.
func TestEveryDialectThrottlesPerAddress(t *testing.T) {
	p, admin, _ := quickStart(t)
	creds := p.Credentials()
	adweb, _ := creds["adweb"].(map[string]any)
	apiKey, _ := adweb["apiKey"].(string)

	for _, tc := range []struct {
		name      string
		addr      string
		n         int
		rejected  int
		envelope  func(string) bool
		method    string
		path, req string
		header    http.Header
	}{
		{"privacyIDEA POST /auth", "127.0.0.11", 10, 3, privacyIDEA429, http.MethodPost, "/auth",
			fmt.Sprintf(`{"username":%q,"password":"wrong"}`, admin), nil},
		{"OpenAPI POST /login", "127.0.0.12", 10, 3, openAPI429, http.MethodPost, "/api/login",
			fmt.Sprintf(`{"username":%q,"password":"wrong"}`, admin), nil},
		{"OpenAPI POST /password/change", "127.0.0.13", 10, 3, openAPI429, http.MethodPost, "/api/password/change",
			fmt.Sprintf(`{"username":%q,"currentPassword":"wrong","newPassword":"Another-Pw-42x"}`, admin), nil},
		{"Kanboard Basic, a user", "127.0.0.14", 10, 3, kanboard429, http.MethodPost, "/jsonrpc.php",
			getAllUsers, basic(admin, "wrong")},
		{"Kanboard Basic, the API token", "127.0.0.15", 30, 20, kanboard429, http.MethodPost, "/jsonrpc.php",
			getAllUsers, basic("jsonrpc", "wrong-token")},
		{"AD-web ApiKey/ApiSecret", "127.0.0.16", 30, 20, adweb429, http.MethodPost, "/restapi/getusers",
			"", http.Header{"Apikey": {apiKey}, "Apisecret": {"wrong-secret"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := from(tc.addr)
			var answers []answer
			for range tc.n {
				answers = append(answers, do(t, c, tc.method, p.URL+tc.path, tc.req, tc.header))
			}
			counts := tally(t, tc.name, answers, tc.envelope)
			if counts[http.StatusTooManyRequests] != tc.n-tc.rejected || counts[http.StatusTooManyRequests]+counts[http.StatusUnauthorized] != tc.n {
				t.Fatalf("answers by status: %v; want %d refusals, then 429", counts, tc.rejected)
			}
			for i, a := range answers[:tc.rejected] {
				if a.status == http.StatusTooManyRequests {
					t.Fatalf("attempt %d throttled before the budget was spent", i+1)
				}
			}
		})
	}

	// Spraying: one address trying many names (here names that do not
	// exist) runs into the address's budget of twenty.
	t.Run("privacyIDEA POST /auth, many names", func(t *testing.T) {
		c := from("127.0.0.17")
		var answers []answer
		for i := range 30 {
			answers = append(answers, do(t, c, http.MethodPost, p.URL+"/auth",
				fmt.Sprintf(`{"username":"nobody%d","password":"wrong"}`, i), nil))
		}
		counts := tally(t, "spraying", answers, privacyIDEA429)
		if counts[http.StatusUnauthorized] != 20 || counts[http.StatusTooManyRequests] != 10 {
			t.Fatalf("answers by status: %v; want 20 × 401 then 10 × 429", counts)
		}
	})
}
