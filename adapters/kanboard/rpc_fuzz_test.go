package kanboard

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// FuzzBind binds arbitrary params to each procedure's signature and reads
// every argument as the procedures do. A binding failure is -32602 or
// -32600; an id read as valid is a positive integer.
func FuzzBind(f *testing.F) {
	for _, s := range []string{
		`{"username":"biloute","password":"123456"}`, `["biloute","123456","B","b@example.com","app-manager"]`,
		`{"user_id":"10007"}`, `{"user_id":9223372036854775808}`, `{"user_id":1e19}`, `{"user_id":-0.0}`,
		`{"user_id":"007"}`, `{"id":1.5,"name":null}`, `[[],{},true]`, `null`, ``, `"x"`, `{"a":1,"a":2}`,
		`{"username":"*)(uid=*","role":{"x":1}}`, `[1,2,3,4,5,6]`,
	} {
		for i := range procedureList {
			f.Add(s, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, params string, proc uint8) {
		p := procedureList[int(proc)%len(procedureList)]
		a, rpcErr := bind(json.RawMessage(params), p.params)
		if rpcErr != nil {
			if rpcErr.Code != errInvalidRequest.Code && rpcErr.Code != invalidParams("").Code {
				t.Fatalf("bind(%s) for %s: %v is neither -32600 nor -32602", params, p.name, rpcErr)
			}
			return
		}
		for _, decl := range p.params {
			if id, ok := a.id(decl.name); ok && id <= 0 {
				t.Fatalf("%s(%s): id %d read as valid from %s", p.name, decl.name, id, a[decl.name])
			}
			_, _ = a.text(decl.name, "")
			_, _ = a.optionalText(decl.name)
		}
	})
}

// FuzzServe posts arbitrary bodies to /jsonrpc.php in application mode,
// as an app-user and without credentials. The answer is JSON-RPC as
// Kanboard writes it: HTTP 200 with an object, a batch array or nothing;
// 401 or 403 with Kanboard's denial; never a panic or a 5xx.
func FuzzServe(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","method":"createUser","id":1,"params":{"username":"x*)(uid=*","password":"123456","role":"app-admin"}}`,
		`{"jsonrpc":"2.0","method":"getUserByName","id":"a","params":["*"]}`,
		`{"jsonrpc":"2.0","method":"getAllUsers","id":null}`,
		`[{"jsonrpc":"2.0","method":"getUser","id":1,"params":{"user_id":10000}},{"jsonrpc":"2.0","method":"removeUser","params":[10000]},1,[]]`,
		`{"jsonrpc":"2.0","method":"updateUser","id":2,"params":{"id":10000,"username":"renamed","email":"not mail","role":null}}`,
		`{"jsonrpc":"2.0","method":"createLdapUser","id":3,"params":{"username":"\u0000"}}`,
		`{"jsonrpc":"2.0","method":"DISABLEUSER","id":{"x":1},"params":{"user_id":"1"}}`,
		`{"jsonrpc":"2.0","method":"enableUser","id":4,"params":{"user_id":1},"extra":true}`,
		`[]`, `{}`, `null`, `"x"`, "{\"jsonrpc\":\"2.0\",\"method\":\"getUser\",\"id\":1,\"params\":[\"\xff\"]}",
	} {
		for who := range uint8(3) {
			f.Add(s, who)
		}
	}
	h := newFuzzKanboard(f)
	f.Fuzz(func(t *testing.T, body string, who uint8) {
		req, _ := http.NewRequest(http.MethodPost, "http://localhost/jsonrpc.php", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		switch who % 3 {
		case 0:
			req.SetBasicAuth(appUsername, fuzzToken)
		case 1:
			req.SetBasicAuth("plain", "Secret-Pw-1")
		}
		w := inproc.Serve(h, req)
		raw := w.Body.Bytes()
		switch w.Code {
		case http.StatusOK:
			if len(raw) == 0 {
				return // notifications only
			}
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				t.Fatalf("%s: not JSON (%v): %s", body, err, raw)
			}
			switch v.(type) {
			case map[string]any, []any:
			default:
				t.Fatalf("%s: neither a response object nor a batch: %s", body, raw)
			}
		case http.StatusUnauthorized, http.StatusForbidden:
			want := string((&denial{status: w.Code, message: http.StatusText(w.Code)}).body())
			if strings.TrimSpace(string(raw)) != strings.TrimSpace(want) {
				t.Fatalf("%s: HTTP %d with %s, want %s", body, w.Code, raw, want)
			}
		default:
			t.Fatalf("%s: HTTP %d %s", body, w.Code, raw)
		}
	})
}

const fuzzToken = "fuzz-token-0123456789abcdef"

// newFuzzKanboard serves the dialect with an API token and one plain
// directory user (app-user) below its users container.
func newFuzzKanboard(f *testing.F) http.Handler {
	const base = "dc=example,dc=com"
	env := inproc.New(f, identity.DomainConfig{Name: "example.com"}, base)
	if _, err := env.Domain.CreateUser(context.Background(), inproc.System, directory.NewUser{
		ParentDN: "ou=people," + base, Username: "plain", Password: "Secret-Pw-1", UIDNumber: 10000,
	}); err != nil {
		f.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Token = fuzzToken
	if err := cfg.Validate(); err != nil {
		f.Fatal(err)
	}
	d, err := cfg.Build(env.Deps(f))
	if err != nil {
		f.Fatal(err)
	}
	return inproc.Mount(d, "", dialect.Listener{Network: "tcp"})
}
