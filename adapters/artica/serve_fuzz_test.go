package artica

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// fuzzMethods are the methods Artica's clients use, and one they do not.
var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}

// FuzzServe sends arbitrary requests under /openldap/ (and /ping) through
// the mounted dialect, on the unix socket and on TCP with each kind of
// key. Whatever arrives, the answer is Artica's envelope: HTTP 200 (403
// for a refused key), the JSON content type, Status false with an Error
// for a failure; never a panic or a 5xx.
func FuzzServe(f *testing.F) {
	for _, s := range []struct {
		method uint8
		path   string
		body   string
	}{
		{1, "openldap/members", `{"login":"jdupont","password":"S3cr3t!Pw","firstname":"Jean","lastname":"Dupont","email":"j@example.com","ou":"example.com","gpid":0}`},
		{1, "openldap/members", `{"login":"x*)(uid=*","password":"S3cr3t!Pw","ou":"example.com","gpid":"5004"}`},
		{1, "openldap/members", `{"login":["a"],"password":{},"ou":null,"gpid":1e400}`},
		{1, "openldap/members", `{"login":"a","login":"b","password":"S3cr3t!Pw","ou":"example.com"}`},
		{0, "openldap/members/jdupont", ""},
		{2, "openldap/members/jdupont", `{"givenName":"J","sn":"","mail":"x@example.com","MAIL":"y@example.com"}`},
		{2, "openldap/members/jdupont", `{"title":12,"mobile":null}`},
		{3, "openldap/members/j%2Adupont", ""},
		{1, "openldap/members/jdupont/password", `{"password":"N3w-Passw0rd"}`},
		{0, "openldap/members/jdupont/groups", ""},
		{0, "openldap/groups?ou=example.com", ""},
		{0, "openldap/groups?ou=*", ""},
		{1, "openldap/groups", `{"name":"accountants","ou":"example.com","uid":"jdupont"}`},
		{1, "openldap/groups/5004/members/jdupont", ""},
		{3, "openldap/groups/-1/members/%00", ""},
		{0, "openldap/backup/import/..%2F..%2Fetc%2Fpasswd", ""},
		{0, "openldap/backup/instant", ""},
		{0, "openldap/ous", ""},
		{4, "openldap/members", "{"},
		{0, "ping", ""},
	} {
		for listener := range uint8(4) {
			f.Add(s.method, s.path, s.body, listener)
		}
	}
	a := newFuzzArtica(f)
	f.Fuzz(func(t *testing.T, method uint8, path, body string, listener uint8) {
		if strings.ContainsAny(path, " \t\r\n#") {
			return // not a request line a client can send
		}
		target := "/" + strings.TrimLeft(path, "/")
		if !strings.HasPrefix(target, "/openldap/") && target != "/ping" {
			return // outside the dialect: other dialects live at the root
		}
		req, err := http.NewRequest(fuzzMethods[int(method)%len(fuzzMethods)], "http://localhost"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		req.RemoteAddr = "127.0.0.1:50000"
		e := a.sock
		if listener%4 != 0 {
			e = a.tcp
			req.Header.Set(headerAuthToken, []string{"", "read-write-key-000001", "read-only-key-0000002", "wrong-key"}[listener%4])
		}
		w := inproc.Serve(e, req)
		checkEnvelope(t, req, w)
	})
}

// checkEnvelope holds an answer to Artica's envelope.
func checkEnvelope(t *testing.T, req *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	what := req.Method + " " + req.URL.String()
	if w.Code != http.StatusOK && w.Code != http.StatusForbidden {
		t.Fatalf("%s: HTTP %d %s", what, w.Code, w.Body)
	}
	if ct := w.Header().Get(echo.HeaderContentType); ct != contentType {
		t.Fatalf("%s: Content-Type %q, body %s", what, ct, w.Body)
	}
	var env struct {
		Status *bool   `json:"Status"`
		Error  *string `json:"Error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Status == nil || env.Error == nil {
		t.Fatalf("%s: not Artica's envelope (%v): %s", what, err, w.Body)
	}
	if !*env.Status && *env.Error == "" {
		t.Fatalf("%s: a failure without an Error: %s", what, w.Body)
	}
	if w.Code == http.StatusForbidden && (*env.Status || *env.Error != authFailedMessage) {
		t.Fatalf("%s: HTTP 403 is only for a refused key: %s", what, w.Body)
	}
}

type fuzzArtica struct {
	sock, tcp *echo.Echo
}

// newFuzzArtica builds the dialect as the server does, over an embedded
// store, with a read-write and a read-only TCP key.
func newFuzzArtica(f *testing.F) *fuzzArtica {
	env := inproc.New(f, identity.DomainConfig{Name: "example.com", GIDRange: directory.Range{Min: 5004, Max: 5999}}, "dc=example,dc=com")
	cfg := DefaultConfig()
	cfg.Backup.Dir = f.TempDir()
	cfg.APIKeys = []APIKey{
		{Name: "rw", Hash: HashKey("read-write-key-000001")},
		{Name: "ro", Key: "read-only-key-0000002", ReadOnly: true},
	}
	if err := cfg.Validate(); err != nil {
		f.Fatal(err)
	}
	built, err := cfg.Build(env.Deps(f))
	if err != nil {
		f.Fatal(err)
	}
	d := built.(*Dialect)
	f.Cleanup(func() { _ = d.Close() })
	return &fuzzArtica{
		sock: inproc.Mount(d, "", dialect.Listener{Network: "unix", Address: "/run/articarest.sock"}),
		tcp:  inproc.Mount(d, "", dialect.Listener{Network: "tcp", Address: "127.0.0.1:9503"}),
	}
}
