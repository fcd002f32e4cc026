package privacyidea

import (
	"context"
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

// fuzzContentTypes are the bodies privacyIDEA clients send, and a few
// they should not.
var fuzzContentTypes = []string{
	"application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "",
	"text/plain", "application/merge-patch+json", "multipart/form-data", "application/json; charset=\"",
}

// FuzzReadParams merges an arbitrary query string and body as every
// request does. A failure is a 400 or 413 in code 905; on success every
// accessor answers, and a key the JSON body set to null is absent.
func FuzzReadParams(f *testing.F) {
	for _, s := range []struct {
		query, body string
		ct          uint8
	}{
		{"user=alice&realm=corp", `{"user":"bob","mobile":["1",2],"realm":null}`, 0},
		{"username=al*&attributes=username,email", "", 0},
		{"", "user=new_user&resolver=people&password=x&mobile=%2B49", 1},
		{"", "--xyz\r\nContent-Disposition: form-data; name=\"user\"\r\n\r\nmultipart\r\n--xyz--\r\n", 2},
		{"a=%zz", "", 0},
		{"", `{"user":{"a":1},"resolver":true,"email":[{}],"x":1e999}`, 0},
		{"", `[1,2]`, 3},
		{"", `{"user":"a","user":"b"}`, 5},
		{"", "anything", 4},
		{"", "{\"user\":\"\xff\\u0000\"}", 0},
	} {
		f.Add(s.query, s.body, s.ct)
	}
	e := echo.New()
	f.Fuzz(func(t *testing.T, query, body string, ct uint8) {
		req := httptest.NewRequest(http.MethodPost, "/user", strings.NewReader(body))
		req.URL.RawQuery = query
		if c := fuzzContentTypes[int(ct)%len(fuzzContentTypes)]; c != "" {
			req.Header.Set(echo.HeaderContentType, c)
		}
		p, apiErr := readParams(e.NewContext(req, httptest.NewRecorder()))
		if apiErr != nil {
			if apiErr.code != codeParameter || (apiErr.status != http.StatusBadRequest && apiErr.status != http.StatusRequestEntityTooLarge) {
				t.Fatalf("readParams: %+v is not a 400/413 in code %d", apiErr, codeParameter)
			}
			return
		}
		for key := range p {
			_, _ = p.str(key)
			_, _ = p.required(key)
			_, _ = p.list(key)
			_, _, _ = p.commaList(key)
		}
		if v, ok := p["user"]; ok && v.badType == "" && len(v.values) == 0 && !v.list {
			t.Fatalf("parameter user present with no value: %+v", v)
		}
	})
}

// FuzzWildcard: a search pattern's server-side filter validates, and every
// value the pattern matches would be returned by that filter (the filter
// is a superset; match() narrows it).
func FuzzWildcard(f *testing.F) {
	for _, s := range [][2]string{{"al*", "alice"}, {"*son", "Jackson"}, {"a*b*c", "aXbYc"}, {"*", ""}, {"**", "x"},
		{"*)(uid=*", ")(uid="}, {`\2a`, `\2a`}, {"x\x00*", "x\x00y"}, {"É*", "é"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, value string) {
		w := parseWildcard(pattern)
		flt := w.filter(directory.FieldUsername)
		if err := directory.Validate(flt, directory.UserFields); err != nil {
			t.Fatalf("filter of %q does not validate: %v", pattern, err)
		}
		if w.match(value) && !superset(flt, value) {
			t.Fatalf("%q matches %q but its filter %#v would not return it", pattern, value, flt)
		}
	})
}

// superset evaluates the wildcard's filter on one value the way LDAP's
// caseIgnoreMatch does for these assertions.
func superset(f directory.Filter, v string) bool {
	switch n := f.(type) {
	case directory.And:
		for _, c := range n {
			if !superset(c, v) {
				return false
			}
		}
		return true
	case directory.Cond:
		lv := strings.ToLower(v)
		switch n.Op {
		case directory.OpPresent:
			return true
		case directory.OpEq:
			return lv == strings.ToLower(n.Values[0])
		case directory.OpStartsWith:
			return strings.HasPrefix(lv, strings.ToLower(n.Values[0]))
		case directory.OpContains:
			return strings.Contains(lv, strings.ToLower(n.Values[0]))
		}
	}
	return false
}

// FuzzServe sends arbitrary requests to /auth and /user with an admin
// token, a user token, garbage or none. Every answer is privacyIDEA's
// envelope with a status and code from the dialect's table; never a panic
// or a 5xx on the embedded store.
func FuzzServe(f *testing.F) {
	for _, s := range []struct {
		method     uint8
		path, body string
		ct, token  uint8
	}{
		{0, "user/?realm=corp&username=*", "", 3, 0},
		{0, "user?user=*)(uid=*&resolver=people", "", 3, 0},
		{0, "user/?email=*@example.com&attributes=username,email", "", 3, 1},
		{1, "user/", `{"user":"n*(x)","resolver":"people","password":"Secret-Pw-1","mobile":["1","2"]}`, 0, 0},
		{1, "user", "user=new_user&resolver=people&surname=Doe", 1, 1},
		{2, "user/", `{"user":"alice","resolver":"people","userid":"10000","email":"a@example.com"}`, 0, 0},
		{2, "user/", `{"password":"Own-Pw-123"}`, 0, 1},
		{3, "user/people/alice", "", 3, 0},
		{3, "user/people/%2A", "", 3, 0},
		{1, "auth", "username=piadmin&password=Admin-Pw-1", 1, 2},
		{1, "auth", `{"username":"x@corp","password":"","realm":"nope"}`, 0, 3},
		{1, "auth", `{"username":["a"]}`, 0, 3},
	} {
		f.Add(s.method, s.path, s.body, s.ct, s.token)
	}
	h := newFuzzPrivacyIDEA(f)
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete}
	f.Fuzz(func(t *testing.T, method uint8, path, body string, ct, token uint8) {
		if strings.ContainsAny(path, " \t\r\n#") || !(strings.HasPrefix(path, "user") || strings.HasPrefix(path, "auth")) {
			return // not a request line, or not this dialect's path
		}
		req, err := http.NewRequest(methods[int(method)%len(methods)], "http://localhost/"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		if c := fuzzContentTypes[int(ct)%len(fuzzContentTypes)]; c != "" {
			req.Header.Set(echo.HeaderContentType, c)
		}
		if tok := h.tokens[int(token)%len(h.tokens)]; tok != "" {
			req.Header.Set("PI-Authorization", tok)
		}
		w := inproc.Serve(h.e, req)
		if w.Code == http.StatusNotFound || w.Code == http.StatusMethodNotAllowed {
			return // a path or method the dialect does not serve: the server's answer
		}
		checkEnvelope(t, req, w)
	})
}

// checkEnvelope holds an answer to privacyIDEA's envelope.
func checkEnvelope(t *testing.T, req *http.Request, w *httptest.ResponseRecorder) {
	t.Helper()
	what := req.Method + " " + req.URL.String()
	var env struct {
		JSONRPC string `json:"jsonrpc"`
		Result  *struct {
			Status *bool `json:"status"`
			Error  *struct {
				Code    *int   `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		} `json:"result"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.JSONRPC != "2.0" || env.Result == nil || env.Result.Status == nil {
		t.Fatalf("%s: HTTP %d, not privacyIDEA's envelope (%v): %s", what, w.Code, err, w.Body)
	}
	switch {
	case *env.Result.Status && w.Code != http.StatusOK:
		t.Fatalf("%s: status true with HTTP %d", what, w.Code)
	case !*env.Result.Status && (env.Result.Error == nil || env.Result.Error.Code == nil || env.Result.Error.Message == ""):
		t.Fatalf("%s: a failure without an error code and message: %s", what, w.Body)
	case w.Code >= 500:
		t.Fatalf("%s: HTTP %d on the embedded store: %s", what, w.Code, w.Body)
	}
}

type fuzzPrivacyIDEA struct {
	e      http.Handler
	tokens []string // admin, user, garbage, none
}

// newFuzzPrivacyIDEA serves one editable resolver "people" in realm
// "corp", with an admin (a member of pi-admins) and a user.
func newFuzzPrivacyIDEA(f *testing.F) *fuzzPrivacyIDEA {
	const base = "dc=example,dc=com"
	env := inproc.New(f, identity.DomainConfig{Name: "example.com"}, base)
	ctx := context.Background()
	accounts := map[string]account{}
	for _, name := range []string{"piadmin", "alice"} {
		u, err := env.Domain.CreateUser(ctx, inproc.System, directory.NewUser{ParentDN: "ou=people," + base, Username: name, Password: "Secret-Pw-1"})
		if err != nil {
			f.Fatal(err)
		}
		accounts[name] = account{id: u.ID, dn: u.DN, username: u.Username, resolver: "people", realm: "corp"}
	}
	if _, err := env.Domain.CreateGroup(ctx, inproc.System, directory.NewGroup{ParentDN: "ou=groups," + base, Name: "pi-admins",
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByName("piadmin"))}}); err != nil {
		f.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Secret = "fuzz-secret-0123456789abcdef"
	cfg.DefaultRealm = "corp"
	cfg.Resolvers = map[string]ResolverConfig{"people": {Subtree: "ou=people," + base, Editable: true}}
	cfg.Realms = map[string]RealmConfig{"corp": {Resolvers: []string{"people"}}}
	cfg.Admins = AdminConfig{Groups: []string{"pi-admins"}}
	built, err := cfg.Build(env.Deps(f))
	if err != nil {
		f.Fatal(err)
	}
	d := built.(*Dialect)
	admin, err := d.tokens.issue(accounts["piadmin"], roleAdmin, []string{actionUserList})
	if err != nil {
		f.Fatal(err)
	}
	user, err := d.tokens.issue(accounts["alice"], roleUser, nil)
	if err != nil {
		f.Fatal(err)
	}
	return &fuzzPrivacyIDEA{
		e:      inproc.Mount(d, "", dialect.Listener{Network: "tcp"}),
		tokens: []string{admin, user, "Bearer " + admin + "x", ""},
	}
}
