package faults

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestEveryDialectAnswersAnOutage: with slapd gone, a create and a read
// through each of the five dialects get that dialect's own "directory
// unavailable" answer, without the backend's diagnostic; once slapd is
// back the same calls succeed. The setup is the documented way out of the
// quick start: its configuration and data, exported, imported into
// OpenLDAP, served by the ldap backend.
func TestEveryDialectAnswersAnOutage(t *testing.T) {
	qs := e2eutil.Start(t, e2eutil.Options{})
	creds := qs.Credentials()
	if code := qs.Stop(); code != 0 {
		t.Fatalf("quick start exit %d", code)
	}
	ldif := filepath.Join(t.TempDir(), "quickstart.ldif")
	if r := e2eutil.Run(t, nil, "export", "--data-dir", qs.DataDir, "--out", ldif); r.Code != 0 {
		t.Fatalf("export: %s", r.Stderr)
	}
	srv, backend := e2eutil.LDAP(t, slapd.Options{Disable: slapd.TLS})
	cfg := withBackend(t, filepath.Join(qs.DataDir, "dirgate.yaml"), backend)
	cfgPath := filepath.Join(t.TempDir(), "dirgate.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := e2eutil.Run(t, nil, "import", "--config", cfgPath, "--in", ldif); r.Code != 0 {
		t.Fatalf("import into slapd: %s", r.Stderr)
	}
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg, DataDir: qs.DataDir})
	d := newDialects(t, p, creds)

	for _, c := range d.calls("before") {
		if a := c.do(); !c.ok(a) {
			t.Errorf("%s with slapd up: %s", c.name, a)
		}
	}
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	for _, c := range d.calls("during") {
		a := c.do()
		t.Logf("%-22s %s", c.name+":", a)
		if !c.unavailable(a) {
			t.Errorf("%s with slapd gone: %s, want the dialect's unavailable answer", c.name, a)
		}
		for _, leak := range []string{srv.URL, "127.0.0.1", "LDAP Result", "connection refused", "ldap:"} {
			if strings.Contains(a.body, leak) {
				t.Errorf("%s with slapd gone shows the backend's diagnostic (%q): %s", c.name, leak, a)
			}
		}
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	if rec := awaitRecovery(t, p, newKanboard(p.URL, d.kanboardToken, false), time.Now(), 5*time.Second); rec.served > 2*time.Second {
		t.Errorf("not serving 2 s after slapd returned")
	}
	for _, c := range d.calls("after") {
		if a := c.do(); !c.ok(a) {
			t.Errorf("%s after slapd returned: %s", c.name, a)
		}
	}
}

// withBackend returns the configuration file at path with the first
// domain's backend replaced.
func withBackend(t *testing.T, path string, backend map[string]any) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["domains"].([]any)[0].(map[string]any)["backend"] = backend
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// answer is one HTTP exchange, for logs.
type answer struct {
	status int
	body   string
	err    error
}

func (a answer) String() string {
	if a.err != nil {
		return "error: " + a.err.Error()
	}
	return fmt.Sprintf("HTTP %d %.300s", a.status, a.body)
}

// json decodes the body into v, reporting whether it is JSON.
func (a answer) json(v any) bool { return a.err == nil && json.Unmarshal([]byte(a.body), v) == nil }

// dialects holds what it takes to call each dialect of a quick start's
// configuration.
type dialects struct {
	t                    *testing.T
	url                  string
	kanboardToken        string
	adwebKey, adwebSec   string
	openapiTok, piTok    string
	artica               *http.Client
	adminUser, adminPass string
}

func newDialects(t *testing.T, p *e2eutil.Process, creds map[string]any) *dialects {
	t.Helper()
	get := func(path ...string) string {
		var v any = creds
		for _, k := range path {
			v = v.(map[string]any)[k]
		}
		return v.(string)
	}
	d := &dialects{
		t: t, url: p.URL, kanboardToken: get("kanboard", "token"),
		adwebKey: get("adweb", "apiKey"), adwebSec: get("adweb", "apiSecret"),
		artica:    e2eutil.UnixClient(get("artica", "socket")),
		adminUser: get("admin", "username"), adminPass: get("admin", "password"),
	}
	login, _ := json.Marshal(map[string]string{"username": d.adminUser, "password": d.adminPass})
	var oa struct{ Token string }
	if a := d.send(http.DefaultClient, http.MethodPost, "/api/login", string(login), nil); !a.json(&oa) || oa.Token == "" {
		t.Fatalf("OpenAPI login: %s", a)
	}
	var pi struct {
		Result struct{ Value struct{ Token string } }
	}
	if a := d.send(http.DefaultClient, http.MethodPost, "/auth", string(login), nil); !a.json(&pi) || pi.Result.Value.Token == "" {
		t.Fatalf("privacyIDEA auth: %s", a)
	}
	d.openapiTok, d.piTok = oa.Token, pi.Result.Value.Token
	return d
}

func (d *dialects) send(c *http.Client, method, path, body string, h map[string]string) answer {
	base := d.url
	if c == d.artica {
		base = "http://localhost"
	}
	req, err := http.NewRequestWithContext(d.t.Context(), method, base+path, strings.NewReader(body))
	if err != nil {
		d.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return answer{err: err}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	var compact bytes.Buffer
	if json.Compact(&compact, raw) == nil {
		raw = compact.Bytes()
	}
	return answer{status: resp.StatusCode, body: string(raw), err: err}
}

// call is one request of one dialect with what success and unavailability
// look like there.
type call struct {
	name        string
	do          func() answer
	ok          func(answer) bool
	unavailable func(answer) bool
}

// calls are a create and a read through every dialect; tag makes the
// created names unique.
func (d *dialects) calls(tag string) []call {
	kb := map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte("jsonrpc:"+d.kanboardToken))}
	ad := map[string]string{"ApiKey": d.adwebKey, "ApiSecret": d.adwebSec}
	oa := map[string]string{"Authorization": "Bearer " + d.openapiTok}
	pi := map[string]string{"Authorization": d.piTok}
	rpc := func(method string, params ...any) string {
		b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
		return string(b)
	}
	// Kanboard: a result, or error -32603 in an HTTP 200.
	kbOK := func(a answer) bool {
		var r struct{ Result json.RawMessage }
		return a.status == 200 && a.json(&r) && r.Result != nil && string(r.Result) != "false" && string(r.Result) != "null"
	}
	kbDown := func(a answer) bool {
		var r struct{ Error struct{ Code int } }
		return a.status == 200 && a.json(&r) && r.Error.Code == -32603
	}
	// OpenAPI: 2xx; 503 {"error": ...}.
	oaOK := func(a answer) bool { return a.err == nil && a.status/100 == 2 }
	oaDown := func(a answer) bool {
		var r struct{ Error string }
		return a.status == 503 && a.json(&r) && r.Error != ""
	}
	// AD-web: success true; 503 DIRECTORY_UNAVAILABLE.
	adOK := func(a answer) bool {
		var r struct{ Success bool }
		return a.status == 200 && a.json(&r) && r.Success
	}
	adDown := func(a answer) bool {
		var r struct {
			Success   bool
			ErrorCode string
		}
		return a.status == 503 && a.json(&r) && !r.Success && r.ErrorCode == "DIRECTORY_UNAVAILABLE"
	}
	// privacyIDEA: status true; status false with a 5xx.
	piOK := func(a answer) bool {
		var r struct{ Result struct{ Status bool } }
		return a.status == 200 && a.json(&r) && r.Result.Status
	}
	piDown := func(a answer) bool {
		var r struct{ Result struct{ Status bool } }
		return a.status/100 == 5 && a.json(&r) && !r.Result.Status
	}
	// Artica: Status true; Status false in an HTTP 200, with a message.
	arOK := func(a answer) bool {
		var r struct{ Status bool }
		return a.status == 200 && a.json(&r) && r.Status
	}
	arDown := func(a answer) bool {
		var r struct {
			Status bool
			Error  string
		}
		return a.status == 200 && a.json(&r) && !r.Status && strings.Contains(r.Error, "unavailable")
	}
	admin := d.adminUser
	adminDN := "uid=" + admin + ",ou=people," + suffix
	return []call{
		{"kanboard createUser", func() answer {
			return d.send(http.DefaultClient, http.MethodPost, "/jsonrpc.php", rpc("createUser", "kb-"+tag, "Fault-Pw-1"), kb)
		}, kbOK, kbDown},
		{"kanboard getUserByName", func() answer {
			return d.send(http.DefaultClient, http.MethodPost, "/jsonrpc.php", rpc("getUserByName", admin), kb)
		}, kbOK, kbDown},
		{"openapi POST users", func() answer {
			return d.send(http.DefaultClient, http.MethodPost, "/api/users", `{"userName":"oa-`+tag+`","password":"Fault-Pw-1"}`, oa)
		}, oaOK, oaDown},
		{"openapi GET users", func() answer {
			return d.send(http.DefaultClient, http.MethodGet, "/api/users?filter[userName][EQ]="+admin, "", oa)
		}, oaOK, oaDown},
		{"adweb createuser", func() answer {
			return d.send(http.DefaultClient, http.MethodPost, "/restapi/createuser", `{"createUser":{"SamAccountName":"ad-`+tag+
				`","UserPrincipalName":"ad-`+tag+`@example.com","Password":"Fault-Pw-1","ouDN":"ou=people,`+suffix+`","FQDN":"example.com"}}`, ad)
		}, adOK, adDown},
		{"adweb getuserinfo", func() answer {
			return d.send(http.DefaultClient, http.MethodPost, "/restapi/getuserinfo?FQDN=example.com&userDN="+adminDN, "", ad)
		}, adOK, adDown},
		{"privacyidea POST user", func() answer {
			return d.send(http.DefaultClient, http.MethodPost, "/user/", `{"user":"pi-`+tag+`","resolver":"local","password":"Fault-Pw-1"}`, pi)
		}, piOK, piDown},
		{"privacyidea GET user", func() answer {
			return d.send(http.DefaultClient, http.MethodGet, "/user/?username="+admin, "", pi)
		}, piOK, piDown},
		{"artica POST members", func() answer {
			return d.send(d.artica, http.MethodPost, "/openldap/members", `{"login":"ar-`+tag+`","password":"Fault-Pw-1","ou":"example.com"}`, nil)
		}, arOK, arDown},
		{"artica GET members", func() answer {
			return d.send(d.artica, http.MethodGet, "/openldap/members/ar-before", "", nil)
		}, arOK, arDown},
	}
}
