package adweb_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/internal/testenv/smtpsink"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// The fixture tree below the base, created before dirgate starts.
const (
	dartRDN   = "ou=Dart"
	otherRDN  = "ou=Other"
	groupRDN  = "cn=interfaceadmin,ou=Dart"
	senderStr = "dirgate <noreply@dart.org>"
)

// stack is one directory server, one dirgate serving AD-web on it, the key
// pairs it knows and the mail sink it notifies through.
type stack struct {
	f    *fixture
	proc *e2eutil.Process
	url  string
	sink *smtpsink.Sink
	// admin has full access, reader is read-only, scoped is limited to
	// ou=Other.
	admin, reader, scoped keyPair
	// secrets are every password the suite used, to check none reaches
	// dirgate's output.
	secrets []string
}

type keyPair struct{ key, secret string }

func (s *stack) dn(rdn string) string { return rdn + "," + s.f.base }

func start(t *testing.T, f *fixture) *stack {
	t.Helper()
	s := &stack{f: f, sink: smtpsink.New(t)}
	c := f.dial(t)
	f.addOU(t, c, s.dn(dartRDN))
	f.addOU(t, c, s.dn(otherRDN))
	f.addGroup(t, c, s.dn(groupRDN))

	var keys []map[string]any
	s.admin, keys = createKey(t, keys, "--name", "e2e-admin")
	s.reader, keys = createKey(t, keys, "--name", "e2e-reader", "--read-only")
	s.scoped, keys = createKey(t, keys, "--name", "e2e-scoped", "--subtree", s.dn(otherRDN))
	cfg := e2eutil.DomainConfig(t, f.fqdn, f.backend, map[string]any{
		"dialects": map[string]any{"adweb": map[string]any{"config": map[string]any{
			"keys": keys,
			"smtp": map[string]any{"host": "127.0.0.1", "port": s.sink.Port(), "security": "none", "from": senderStr},
		}}},
	})
	s.proc = e2eutil.Start(t, e2eutil.Options{Config: withDomainKeys(t, cfg, f.domain)})
	s.url = s.proc.URL + "/restapi/"
	return s
}

// withDomainKeys adds keys to the (one) domain of a configuration.
func withDomainKeys(t *testing.T, cfg string, keys map[string]any) string {
	t.Helper()
	if len(keys) == 0 {
		return cfg
	}
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(cfg), &doc); err != nil {
		t.Fatal(err)
	}
	domain := doc["domains"].([]any)[0].(map[string]any)
	for k, v := range keys {
		domain[k] = v
	}
	out, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// createKey runs `dirgate apikey create` as an administrator would and
// adds the entry it prints to keys.
func createKey(t *testing.T, keys []map[string]any, args ...string) (keyPair, []map[string]any) {
	t.Helper()
	out, err := exec.Command(e2eutil.Binary(t), append([]string{"apikey", "create"}, args...)...).Output()
	if err != nil {
		t.Fatalf("dirgate apikey create %v: %v", args, err)
	}
	var k keyPair
	for line := range strings.SplitSeq(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "ApiKey:"); ok {
			k.key = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "ApiSecret:"); ok {
			k.secret = strings.TrimSpace(v)
		}
	}
	_, entry, _ := strings.Cut(string(out), "dialects.adweb.config.keys:\n")
	var entries []map[string]any
	if err := yaml.Unmarshal([]byte(entry), &entries); err != nil || len(entries) != 1 || k.key == "" || k.secret == "" {
		t.Fatalf("dirgate apikey create printed:\n%s\n(%v)", out, err)
	}
	if strings.Contains(entry, k.secret) {
		t.Fatal("the configuration entry holds the secret itself")
	}
	return k, append(keys, entries[0])
}

// answer is one HTTP exchange, with the envelope decoded.
type answer struct {
	status    int
	header    http.Header
	body      string
	Success   bool            `json:"success"`
	Message   string          `json:"message"`
	Data      json.RawMessage `json:"data"`
	ErrorCode string          `json:"errorCode"`
}

// send makes one request the way the seed's curl does: the two key
// headers, and Content-Type: application/json when there is a body. path
// holds the query string as the client wrote it.
func (s *stack) send(t *testing.T, k keyPair, method, path, body string) answer {
	t.Helper()
	var r io.Reader = http.NoBody
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.url+path, r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if k.key != "" {
		req.Header.Set("ApiKey", k.key)
		req.Header.Set("ApiSecret", k.secret)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, header: resp.Header, body: string(raw)}
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("%s %s: not JSON (%v): HTTP %d %q", method, path, err, a.status, raw)
	}
	return a
}

// call sends with the admin key and requires success, decoding data into
// out (when not nil).
func (s *stack) call(t *testing.T, method, path, body string, out any) answer {
	t.Helper()
	a := s.send(t, s.admin, method, path, body)
	if a.status != http.StatusOK || !a.Success {
		t.Fatalf("%s %s: HTTP %d %s", method, path, a.status, a.body)
	}
	if out != nil {
		if err := json.Unmarshal(a.Data, out); err != nil {
			t.Fatalf("%s %s: data %s: %v", method, path, a.Data, err)
		}
	}
	return a
}

// ok requires a success.
func (a answer) ok(t *testing.T, what string) {
	t.Helper()
	if a.status != http.StatusOK || !a.Success {
		t.Errorf("%s: HTTP %d %s", what, a.status, a.body)
	}
}

// refused requires the error envelope with that status and code.
func (a answer) refused(t *testing.T, what string, status int, code string) {
	t.Helper()
	if a.status != status || a.Success || a.ErrorCode != code || a.Message == "" {
		t.Errorf("%s: HTTP %d %s, want %d %s", what, a.status, a.body, status, code)
	}
}

// noSecretsInOutput checks that no password or API secret used by the
// suite reached dirgate's logs.
func (s *stack) noSecretsInOutput(t *testing.T) {
	t.Helper()
	out := s.proc.Stdout() + s.proc.Stderr()
	for _, secret := range append(s.secrets, s.admin.secret, s.reader.secret, s.scoped.secret) {
		if secret != "" && strings.Contains(out, secret) {
			t.Errorf("dirgate's output contains the secret %q", secret)
		}
	}
}

// compact renders a JSON body on one line, for readable failures.
func compact(s string) string {
	var b bytes.Buffer
	if json.Compact(&b, []byte(s)) != nil {
		return s
	}
	return b.String()
}
