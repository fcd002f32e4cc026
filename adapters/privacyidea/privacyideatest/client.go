package privacyideatest

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// response is one HTTP exchange, its body decoded.
type response struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

// value is result.value of a success.
func (r response) value() any {
	res, _ := r.body["result"].(map[string]any)
	return res["value"]
}

// errorOf is result.error's code and message.
func (r response) errorOf() (int, string) {
	res, _ := r.body["result"].(map[string]any)
	e, _ := res["error"].(map[string]any)
	code, _ := e["code"].(float64)
	msg, _ := e["message"].(string)
	return int(code), msg
}

// entries is result.value as a list of user entries.
func (r response) entries(t *testing.T) []map[string]any {
	t.Helper()
	list, ok := r.value().([]any)
	if !ok {
		t.Fatalf("value is not a list: %s", r.raw)
	}
	out := make([]map[string]any, len(list))
	for i, e := range list {
		if out[i], ok = e.(map[string]any); !ok {
			t.Fatalf("entry %d is not an object: %s", i, r.raw)
		}
	}
	return out
}

// request is what the suite sends.
type request struct {
	method string
	path   string // with its query string
	token  string
	header map[string]string
	form   url.Values
	json   any
	raw    string // sent as is with contentType
	ctype  string
}

type client struct {
	env  Env
	http *http.Client
}

func (c client) do(t *testing.T, r request) response {
	t.Helper()
	var body io.Reader
	ctype := r.ctype
	switch {
	case r.form != nil:
		body, ctype = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	case r.json != nil:
		b, err := json.Marshal(r.json)
		if err != nil {
			t.Fatal(err)
		}
		body, ctype = bytes.NewReader(b), "application/json"
	case r.raw != "":
		body = strings.NewReader(r.raw)
	}
	req, err := http.NewRequestWithContext(t.Context(), r.method, c.env.URL+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if r.token != "" {
		req.Header.Set("PI-Authorization", r.token)
	}
	for k, v := range r.header {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// login posts to /auth and returns the token, failing the test unless the
// role is the one expected.
func (c client) login(t *testing.T, a Account, role string) string {
	t.Helper()
	r := c.do(t, request{method: "POST", path: "/auth", form: url.Values{"username": {a.Username}, "password": {a.Password}}})
	v, _ := r.value().(map[string]any)
	if r.status != http.StatusOK || v["role"] != role {
		t.Fatalf("login %s: HTTP %d %s, want role %s", a.Username, r.status, r.raw, role)
	}
	tok, _ := v["token"].(string)
	return tok
}

// wantError checks an error answer: HTTP status, code and, when not "",
// the exact message.
func wantError(t *testing.T, what string, r response, status, code int, message string) {
	t.Helper()
	gotCode, gotMsg := r.errorOf()
	if r.status != status || gotCode != code || (message != "" && gotMsg != message) {
		t.Errorf("%s: got HTTP %d %s\nwant HTTP %d code %d %q", what, r.status, r.raw, status, code, message)
	}
}

// wantValue checks a success whose value is JSON-equal to want.
func wantValue(t *testing.T, what string, r response, want any) {
	t.Helper()
	wb, _ := json.Marshal(want)
	gb, _ := json.Marshal(r.value())
	if r.status != http.StatusOK || string(gb) != string(wb) {
		t.Errorf("%s: got HTTP %d %s\nwant HTTP 200 value %s", what, r.status, r.raw, wb)
	}
}

// usernames lists the usernames of a listing.
func usernames(t *testing.T, r response) []string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("listing: HTTP %d %s", r.status, r.raw)
	}
	var out []string
	for _, e := range r.entries(t) {
		name, _ := e["username"].(string)
		out = append(out, name)
	}
	return out
}

// suffix makes names unique to one run of a case.
func suffix() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func newClient(env Env) client {
	return client{env: env, http: &http.Client{Timeout: 30 * time.Second}}
}

// q builds a query string.
func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return "?" + v.Encode()
}
