package wire

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// quick is `dirgate serve` without a configuration: the embedded store,
// all five dialects, the credentials of initial-credentials.json. Its log
// is at debug level, so every line a dialect can write is written.
type quick struct {
	p                     *e2eutil.Process
	admin, adminPassword  string
	adwebKey, adwebSecret string
	kanboardToken, socket string
	tcp, unix             *http.Client
}

func startQuick(t *testing.T) *quick {
	t.Helper()
	p := e2eutil.Start(t, e2eutil.Options{Env: []string{"DIRGATE_LOG_LEVEL=debug"}})
	creds := p.Credentials()
	str := func(section, key string) string {
		m, _ := creds[section].(map[string]any)
		s, _ := m[key].(string)
		if s == "" {
			t.Fatalf("initial-credentials.json has no %s.%s: %v", section, key, creds)
		}
		return s
	}
	q := &quick{
		p: p, admin: str("admin", "username"), adminPassword: str("admin", "password"),
		adwebKey: str("adweb", "apiKey"), adwebSecret: str("adweb", "apiSecret"),
		kanboardToken: str("kanboard", "token"), socket: str("artica", "socket"),
		tcp: &http.Client{Timeout: 30 * time.Second},
	}
	q.unix = e2eutil.UnixClient(q.socket)
	return q
}

// reply is one answer, read whole.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into a generic value.
func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("answer is not a JSON object (%v): HTTP %d %.300s", err, r.status, r.body)
	}
	return v
}

// call is one request: the client, the method, the full URL, a raw body
// (nil: none) and headers.
type call struct {
	name    string
	client  *http.Client
	method  string
	url     string
	body    []byte
	headers map[string]string
}

func (c call) do(t *testing.T) reply {
	t.Helper()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(t.Context(), c.method, c.url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	return c.send(t, req)
}

// send sends a prepared request with the call's client.
func (c call) send(t *testing.T, req *http.Request) reply {
	t.Helper()
	resp, err := c.client.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", c.name, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s: reading the answer: %v", c.name, err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: raw}
}

// Requests of each dialect, as its clients send them.

func (q *quick) adweb(name, endpoint string, body string, withKey bool) call {
	h := map[string]string{"Content-Type": "application/json"}
	if withKey {
		h["ApiKey"], h["ApiSecret"] = q.adwebKey, q.adwebSecret
	}
	return call{name: "adweb " + name, client: q.tcp, method: http.MethodPost, url: q.p.URL + "/restapi/" + endpoint, body: raw(body), headers: h}
}

func (q *quick) kanboard(name, body string, withToken bool) call {
	h := map[string]string{"Content-Type": "application/json"}
	if withToken {
		h["Authorization"] = "Basic " + base64.StdEncoding.EncodeToString([]byte("jsonrpc:"+q.kanboardToken))
	}
	return call{name: "kanboard " + name, client: q.tcp, method: http.MethodPost, url: q.p.URL + "/jsonrpc.php", body: raw(body), headers: h}
}

func (q *quick) privacyIDEA(name, method, path, body, token string) call {
	h := map[string]string{"Content-Type": "application/json"}
	if token != "" {
		h["PI-Authorization"] = token
	}
	return call{name: "privacyidea " + name, client: q.tcp, method: method, url: q.p.URL + path, body: raw(body), headers: h}
}

func (q *quick) openAPI(name, method, path, body, token string) call {
	h := map[string]string{"Content-Type": "application/json"}
	if token != "" {
		h["Authorization"] = "Bearer " + token
	}
	return call{name: "openapi " + name, client: q.tcp, method: method, url: q.p.URL + "/api" + path, body: raw(body), headers: h}
}

func (q *quick) artica(name, method, path, body string) call {
	return call{name: "artica " + name, client: q.unix, method: method, url: "http://localhost" + path, body: raw(body),
		headers: map[string]string{"Content-Type": "application/json"}}
}

func (q *quick) main(name, path string) call {
	return call{name: name, client: q.tcp, method: http.MethodGet, url: q.p.URL + path}
}

// privacyIDEAToken logs the quick start's admin in at /auth.
func (q *quick) privacyIDEAToken(t *testing.T) string {
	t.Helper()
	r := q.privacyIDEA("auth", http.MethodPost, "/auth", q.credentialsJSON("username"), "").do(t)
	v, _ := r.json(t)["result"].(map[string]any)
	value, _ := v["value"].(map[string]any)
	token, _ := value["token"].(string)
	if r.status != http.StatusOK || token == "" {
		t.Fatalf("privacyIDEA /auth: HTTP %d %s", r.status, r.body)
	}
	return token
}

// openAPIToken logs the quick start's admin in at /api/login.
func (q *quick) openAPIToken(t *testing.T) string {
	t.Helper()
	r := q.openAPI("login", http.MethodPost, "/login", q.credentialsJSON("username"), "").do(t)
	token, _ := r.json(t)["token"].(string)
	if r.status != http.StatusOK || token == "" {
		t.Fatalf("OpenAPI /login: HTTP %d %s", r.status, r.body)
	}
	return token
}

// credentialsJSON is {"<userKey>": admin, "password": its password}.
func (q *quick) credentialsJSON(userKey string) string {
	b, _ := json.Marshal(map[string]string{userKey: q.admin, "password": q.adminPassword})
	return string(b)
}

func raw(s string) []byte {
	if s == "" {
		return nil
	}
	return []byte(s)
}

// contains reports whether the body holds s.
func (r reply) contains(s string) bool { return strings.Contains(string(r.body), s) }
