package console

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/dirgate/dirgate/test/e2eutil"
)

const legacyAgent = "LegacyHR-sync/4.2"

// adweb calls the AD-web dialect as a legacy client would.
func adweb(t *testing.T, p *e2eutil.Process, method, path, body string) {
	t.Helper()
	creds := p.Credentials()["adweb"].(map[string]any)
	req, err := http.NewRequestWithContext(t.Context(), method, p.URL+"/restapi"+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("ApiKey", creds["apiKey"].(string))
	req.Header.Set("ApiSecret", creds["apiSecret"].(string))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", legacyAgent)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
}

// kanboard calls the Kanboard JSON-RPC dialect with its API token.
func kanboard(t *testing.T, p *e2eutil.Process, method string) {
	t.Helper()
	creds := p.Credentials()["kanboard"].(map[string]any)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, p.URL+"/jsonrpc.php",
		strings.NewReader(`{"jsonrpc": "2.0", "method": "`+method+`", "id": 1}`))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(creds["username"].(string), creds["token"].(string))
	req.Header.Set("User-Agent", "kanboard-sync-cron")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(b), `"result"`) {
		t.Fatalf("kanboard %s: %d %s", method, res.StatusCode, b)
	}
}

// TestConsoleInABrowser walks the console as an operator does: refused
// without a session, logged in, the traffic of a legacy client appearing
// in the migration view (and in its live refresh), the client's write in
// the audit view, the directory in the health view, and the API reference
// listing the OpenAPI dialect's operations, then the SCIM dialect's, each
// tried against this server — with no error or CSP violation reported by
// the browser on the way.
func TestConsoleInABrowser(t *testing.T) {
	b := newBrowser(t)
	p := e2eutil.Start(t, e2eutil.Options{})
	admin := p.Credentials()["admin"].(map[string]any)

	// Without a session, a console page sends the browser to the login.
	b.do(t, "open the audit view without a session",
		chromedp.Navigate(p.URL+"/console/audit"),
		chromedp.WaitVisible(chromedp.ID("username")))
	url := run(t, b, "read the location", chromedp.Location())
	if !strings.Contains(url, "/console/login?next=%2Fconsole%2Faudit") {
		t.Fatalf("without a session /console/audit led to %s, want the login", url)
	}
	b.screenshot(t, "login")

	b.do(t, "log in",
		chromedp.SendKeys(chromedp.ID("username"), admin["username"].(string)),
		chromedp.SendKeys(chromedp.ID("password"), admin["password"].(string)),
		chromedp.Click(chromedp.ID("login")),
		chromedp.WaitVisible(chromedp.ID("audit-results")))

	// A legacy client writes through AD-web; the migration view shows it.
	adweb(t, p, http.MethodPost, "/createparentou",
		`{"newOuName": "Sales", "description": "Sales team", "city": "Lyon", "fqdn": "example.com", "accidentialDeletion": false}`)
	adweb(t, p, http.MethodPost, "/createparentou",
		`{"newOuName": "Support", "description": "Support team", "city": "Nantes", "fqdn": "example.com", "accidentialDeletion": false}`)
	for range 3 {
		adweb(t, p, http.MethodGet, "/getdn?samAccountName=admin&FQDN=example.com", "")
	}
	kanboard(t, p, "getAllUsers")
	kanboard(t, p, "getAllUsers")
	b.do(t, "open the migration view",
		chromedp.Navigate(p.URL+"/console/?window=hour"),
		chromedp.WaitVisible(chromedp.ID("clients")),
		chromedp.WaitVisible(chromedp.CSS(`.chart[data-drawn="chart"] canvas`)))
	clients := b.text(t, "#clients")
	for _, want := range []string{"/restapi/createparentou", "/restapi/getdn", legacyAgent, "127.0.0.1",
		"jsonrpc:getAllUsers", "kanboard-sync-cron"} {
		if !strings.Contains(clients, want) {
			t.Errorf("the clients table does not show %q:\n%s", want, clients)
		}
	}
	if d := b.text(t, "#dialects"); !strings.Contains(d, "adweb") || !strings.Contains(d, "in use") {
		t.Errorf("the dialects table does not show adweb in use:\n%s", d)
	}
	b.screenshot(t, "migration")

	// The table refreshes itself (htmx, every 10 s): a call to a new
	// endpoint appears without reloading the page.
	adweb(t, p, http.MethodGet, "/getuserinfo?userDN="+strings.ReplaceAll("uid=admin,ou=people,dc=example,dc=com", "=", "%3D")+"&FQDN=example.com", "")
	b.waitText(t, "#clients", "/restapi/getuserinfo", 20*time.Second)

	// The audit view finds the write by its target.
	b.do(t, "search the audit view",
		chromedp.Navigate(p.URL+"/console/audit"),
		chromedp.WaitVisible(chromedp.ID("target")),
		chromedp.SendKeys(chromedp.ID("target"), "sales"))
	b.waitText(t, "#audit-results", "ou=Sales,dc=example,dc=com", 10*time.Second)
	// The search runs as one types (htmx): the other write leaves the table.
	deadline := time.Now().Add(10 * time.Second)
	for strings.Contains(b.text(t, "#audit-results"), "ou=Support") {
		if time.Now().After(deadline) {
			t.Fatalf("the search for \"sales\" still lists ou=Support:\n%s", b.text(t, "#audit-results"))
		}
		time.Sleep(250 * time.Millisecond)
	}
	if got := b.text(t, "#audit-results"); !strings.Contains(got, "ou.create") || !strings.Contains(got, "success") {
		t.Errorf("the audit line of the write is incomplete:\n%s", got)
	}
	b.screenshot(t, "audit")

	b.do(t, "open the health view",
		chromedp.Navigate(p.URL+"/console/health"),
		chromedp.WaitVisible(chromedp.ID("domains")))
	if got := b.text(t, "#domains"); !strings.Contains(got, "example.com") || !strings.Contains(got, "answers") {
		t.Errorf("the health view does not show the domain answering:\n%s", got)
	}
	// The quick start's embedded store holds no connections and has no
	// read model; the view says so rather than leaving the cells empty.
	if got := b.text(t, "#domains"); !strings.Contains(got, "none (in-process store)") || !strings.Contains(got, "off") {
		t.Errorf("the health view does not show the store's connections and read model:\n%s", got)
	}
	b.screenshot(t, "health")

	// The API reference lists the OpenAPI dialect's operations, with this
	// server (its configured prefix) as the one "try it" calls.
	b.do(t, "open the API reference",
		chromedp.Navigate(p.URL+"/api/docs/"),
		chromedp.WaitVisible(chromedp.CSS(".opblock")))
	ops := run(t, b, "list the operations", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(".opblock-summary-path")).map(e => e.getAttribute("data-path"))`))
	for _, want := range []string{"/users", "/groups/{groupId}/members", "/login"} {
		if !contains(ops, want) {
			t.Errorf("the API reference does not list %s; it lists %v", want, ops)
		}
	}
	servers := b.text(t, ".servers")
	if !strings.Contains(servers, "/api") {
		t.Errorf("the API reference's server is %q, want /api", servers)
	}
	b.screenshot(t, "apidocs")

	// "Try it out" calls this same server: a login through the page
	// answers 200 with a token.
	login := `.opblock-post:has(.opblock-summary-path[data-path="/login"])`
	b.do(t, "try POST /login",
		chromedp.Click(chromedp.CSS(login+` .opblock-summary-path`)),
		chromedp.WaitVisible(chromedp.CSS(login+` .try-out__btn`)),
		chromedp.Click(chromedp.CSS(login+` .try-out__btn`)),
		chromedp.WaitVisible(chromedp.CSS(login+` textarea.body-param__text`)),
	)
	// The body is React's state: set it as typing would (the native
	// setter and an input event), over the document's example.
	body := `{"username": "` + admin["username"].(string) + `", "password": "` + admin["password"].(string) + `"}`
	got := run(t, b, "fill the body", chromedp.Evaluate[string](fmt.Sprintf(`(() => {
		const ta = document.querySelector(%q);
		Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(ta, %q);
		ta.dispatchEvent(new Event("input", {bubbles: true}));
		return ta.value;
	})()`, login+` textarea.body-param__text`, body)))
	if got != body {
		t.Fatalf("the body is %q", got)
	}
	b.do(t, "execute",
		chromedp.Click(chromedp.CSS(login+` .execute`)),
		chromedp.WaitVisible(chromedp.CSS(login+` .live-responses-table tbody .response-col_status`)))
	if got := b.text(t, login+` .live-responses-table tbody .response-col_status`); !strings.HasPrefix(strings.TrimSpace(got), "200") {
		t.Errorf("Try it out: POST /login answered %q, want 200", got)
	}
	if got := b.text(t, login+` .live-responses-table tbody .response-col_description`); !strings.Contains(got, `"token"`) {
		t.Errorf("Try it out: POST /login's answer has no token:\n%s", got)
	}

	// The selector switches to the SCIM dialect's document: its
	// operations, with its own prefix as the server.
	b.do(t, "select the SCIM document",
		chromedp.WaitVisible(chromedp.ID("api-document")),
		chromedp.SetValue(chromedp.ID("api-document"), "/api/docs/scim.json"))
	run(t, b, "announce the choice", chromedp.Evaluate[bool](
		`document.getElementById("api-document").dispatchEvent(new Event("change"))`))
	var scimOps []string
	for deadline := time.Now().Add(10 * time.Second); !contains(scimOps, "/Users"); time.Sleep(250 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the SCIM operations never appeared; the page lists %v", scimOps)
		}
		scimOps = run(t, b, "list the SCIM operations", chromedp.Evaluate[[]string](
			`Array.from(document.querySelectorAll(".opblock-summary-path")).map(e => e.getAttribute("data-path"))`))
	}
	for _, want := range []string{"/Users", "/Users/{id}", "/Groups/.search", "/ServiceProviderConfig"} {
		if !contains(scimOps, want) {
			t.Errorf("the SCIM reference does not list %s; it lists %v", want, scimOps)
		}
	}
	if contains(scimOps, "/login") {
		t.Errorf("the SCIM reference still lists the OpenAPI dialect's /login: %v", scimOps)
	}
	if servers := b.text(t, ".servers"); !strings.Contains(servers, "/scim/v2") {
		t.Errorf("the SCIM reference's server is %q, want /scim/v2", servers)
	}
	if url := run(t, b, "read the location", chromedp.Location()); !strings.Contains(url, "?api=scim") {
		t.Errorf("after selecting SCIM the page is at %s, want ?api=scim (a link to it)", url)
	}
	b.screenshot(t, "apidocs-scim")

	// "Try it out" with the quick start's bearer token: the SCIM dialect
	// of this server answers.
	scimToken := p.Credentials()["scim"].(map[string]any)["token"].(string)
	b.do(t, "authorize with the SCIM token",
		chromedp.Click(chromedp.CSS(`.auth-wrapper .authorize`)),
		chromedp.WaitVisible(chromedp.CSS(`.auth-container input`)),
		chromedp.SendKeys(chromedp.CSS(`.auth-container input`), scimToken),
		chromedp.Click(chromedp.CSS(`.auth-btn-wrapper .modal-btn.authorize`)),
		chromedp.WaitVisible(chromedp.CSS(`.auth-btn-wrapper .btn-done`)),
		chromedp.Click(chromedp.CSS(`.auth-btn-wrapper .btn-done`)))
	spc := `.opblock-get:has(.opblock-summary-path[data-path="/ServiceProviderConfig"])`
	b.do(t, "try GET /ServiceProviderConfig",
		chromedp.Click(chromedp.CSS(spc+` .opblock-summary-path`)),
		chromedp.WaitVisible(chromedp.CSS(spc+` .try-out__btn`)),
		chromedp.Click(chromedp.CSS(spc+` .try-out__btn`)),
		chromedp.WaitVisible(chromedp.CSS(spc+` .execute`)),
		chromedp.Click(chromedp.CSS(spc+` .execute`)),
		chromedp.WaitVisible(chromedp.CSS(spc+` .live-responses-table tbody .response-col_status`)))
	if got := b.text(t, spc+` .live-responses-table tbody .response-col_status`); !strings.HasPrefix(strings.TrimSpace(got), "200") {
		t.Errorf("Try it out: GET /ServiceProviderConfig answered %q, want 200", got)
	}
	if got := b.text(t, spc+` .live-responses-table tbody .response-col_description`); !strings.Contains(got, "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig") {
		t.Errorf("Try it out: GET /ServiceProviderConfig's answer is not SCIM's:\n%s", got)
	}

	// ?api=scim opens the SCIM document directly.
	b.do(t, "open the SCIM reference by its link",
		chromedp.Navigate(p.URL+"/api/docs/?api=scim"),
		chromedp.WaitVisible(chromedp.CSS(".opblock")))
	if ops := run(t, b, "list the operations", chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll(".opblock-summary-path")).map(e => e.getAttribute("data-path"))`)); !contains(ops, "/Groups/{id}") {
		t.Errorf("/api/docs/?api=scim lists %v, want the SCIM operations", ops)
	}

	// Logging out ends the session in this browser.
	b.do(t, "log out",
		chromedp.Navigate(p.URL+"/console/health"),
		chromedp.WaitVisible(chromedp.CSS("form.logout button")),
		chromedp.Click(chromedp.CSS("form.logout button")),
		chromedp.WaitVisible(chromedp.ID("username")),
		chromedp.Navigate(p.URL+"/console/"),
		chromedp.WaitVisible(chromedp.ID("username")))

	b.noProblems(t)
	if t.Failed() {
		fmt.Println(p.Stderr())
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
