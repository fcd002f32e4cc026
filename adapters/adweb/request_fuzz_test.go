package adweb

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
	"github.com/dirgate/dirgate/pkg/identity"
)

// FuzzParseRequest decodes a body and a raw query string as every request
// is decoded (parseBody, then parseQuery), then reads every field the
// endpoints read. A decoding failure is an *apiError the envelope can
// carry; a field is never handed on with NUL or invalid UTF-8 in it.
func FuzzParseRequest(f *testing.F) {
	for _, s := range [][2]string{
		{`{"createUser":{"SamAccountName":"micheal","Password":"dummy@assword","ouDN":"OU=Dart,DC=dart,DC=org","FQDN":"dart.org"},"customAttributes":{"pager":"x"}}`, ""},
		{`{"userDN":"CN=a\\,b,DC=dart,DC=org","fqdn":"dart.org","notifyEmail":"False"}`, "userDN=x&FQDN=y"},
		{"", "ouDN=OU=Sales,DC=dart,DC=org&FQDN=dart.org"},
		{"", "samAccountName=%2A%29%28uid%3D%2A&fqdn=dart.org"},
		{"", "a=%zz"},
		{"", "=&&x&;=;&userDN=%00"},
		{`{"FQDN":1,"fqdn":true,"Fqdn":null}`, ""},
		{`{"createUser":[1,2],"customAttributes":"x"}`, ""},
		{`{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{"j":{"k":{"l":{"m":{"n":{"o":{"p":{"q":{}}}}}}}}}}}}}}}}}}`, ""},
		{`{"userDN":"\ud800"}`, ""},
		{"{\"userDN\":\"\xff\"}", ""},
		{`{} {}`, ""},
		{`[]`, ""},
	} {
		f.Add(s[0], s[1])
	}
	fields := []string{"FQDN", "userDN", "ouDN", "groupDN", "samAccountName", "newOuName", "parentOuDn",
		"newChildOuName", "description", "SamAccountName", "Password", "UserPrincipalName"}
	f.Fuzz(func(t *testing.T, body, query string) {
		in, err := parseBody([]byte(body))
		if err != nil {
			return // answered INVALID_JSON with the parser's words
		}
		if in == nil {
			t.Fatal("parseBody: no object and no error")
		}
		if err := parseQuery(query, in); err != nil {
			var ae *apiError
			if !errors.As(err, &ae) || ae.status != http.StatusBadRequest || ae.code != codeInvalidQuery {
				t.Fatalf("parseQuery(%q): %v is not a 400 INVALID_QUERY", query, err)
			}
			return
		}
		for _, obj := range []*object{in, mustNested(t, in, "createUser"), mustNested(t, in, "updateUser")} {
			for _, field := range fields {
				s, err := text(obj, field)
				if err != nil {
					var ae *apiError
					if !errors.As(err, &ae) || ae.status != http.StatusBadRequest {
						t.Fatalf("text(%s): %v is not a 400", field, err)
					}
					continue
				}
				if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
					t.Fatalf("text(%s) = %q: NUL or invalid UTF-8 passed through", field, s)
				}
			}
			_, _ = flag(obj, "notifyEmail")
			_ = obj.each(func(name string, v any) error {
				_, err := asText(name, v)
				return err
			})
		}
	})
}

func mustNested(t *testing.T, o *object, field string) *object {
	n, err := nested(o, field)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) || ae.code != codeInvalidField {
			t.Fatalf("nested(%s): %v is not INVALID_FIELD", field, err)
		}
	}
	return n
}

// FuzzServe sends arbitrary requests to /restapi/<endpoint> with the
// admin, read-only or no key. Every answer is AD Web's envelope: success
// true with HTTP 200, or success false with an UPPER_SNAKE errorCode and a
// message; never a panic, and a 5xx only as INTERNAL_ERROR-class codes the
// embedded store cannot cause.
func FuzzServe(f *testing.F) {
	for _, s := range []struct {
		method uint8
		path   string
		body   string
	}{
		{1, "createuser", `{"createUser":{"SamAccountName":"m*(i)","UserPrincipalName":"m@dart.org","Password":"dummy@assword1","ouDN":"OU=Dart,DC=dart,DC=org","FQDN":"dart.org"},"customAttributes":{"pager":"p","userPassword":"x"}}`},
		{1, "createparentou", `{"newOuName":"x,ou=y+z","fqdn":"dart.org","accidentialDeletion":"yes"}`},
		{1, "createchildou", `{"parentOuDn":"OU=Dart,DC=dart,DC=org","newChildOuName":" #lead","fqdn":"dart.org"}`},
		{1, "moveusertoou", `{"userDN":"uid=x,ou=Dart,dc=dart,dc=org","ouDN":"ou=Scoped,dc=dart,dc=org","fqdn":"dart.org"}`},
		{1, "assignusertogroup", `{"userDN":"uid=*,ou=Dart,dc=dart,dc=org","groupDN":"cn=interfaceadmin,ou=Dart,dc=dart,dc=org","fqdn":"dart.org"}`},
		{2, "updateuser", `{"updateUser":{"userDN":"uid=x,ou=Dart,dc=dart,dc=org","SamAccountName":"y","FQDN":"dart.org"},"customAttributes":{"mail":null}}`},
		{1, "enableuser", `{"userDN":"uid=x,ou=Dart,dc=dart,dc=org","FQDN":"dart.org","notifyEmail":"maybe"}`},
		{2, "unlockuser", `{"userDN":"uid=x,ou=Dart,dc=dart,dc=org","FQDN":"dart.org"}`},
		{2, "passwordreset", `{"userDN":"uid=x,ou=Dart,dc=dart,dc=org","fqdn":"dart.org"}`},
		{0, "getdn?samAccountName=*&FQDN=dart.org", ""},
		{0, "getoumembers?ouDN=OU=Dart,DC=dart,DC=org&FQDN=dart.org", ""},
		{0, "getgroupmembers?ouDN=cn=interfaceadmin,ou=Dart,dc=dart,dc=org&FQDN=dart.org", ""},
		{0, "getusergroupinfo?userDN=uid%3Dx%2Cou%3DDart%2Cdc%3Ddart%2Cdc%3Dorg&FQDN=dart.org", ""},
		{1, "GetUserInfo?userDN=\x00&FQDN=dart.org", ""},
		{0, "getusers?ouDN=dc=dart,dc=org&FQDN=DART.ORG", "{"},
		{3, "nosuchendpoint", ""},
	} {
		for key := range uint8(3) {
			f.Add(s.method, s.path, s.body, key)
		}
	}
	h := newFuzzAdWeb(f)
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch}
	f.Fuzz(func(t *testing.T, method uint8, path, body string, key uint8) {
		if strings.ContainsAny(path, " \t\r\n#") {
			return // not a request line a client can send
		}
		req, err := http.NewRequest(methods[int(method)%len(methods)], "http://localhost"+DefaultPrefix+"/"+path, strings.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("Content-Type", "application/json")
		if k := h.keys[int(key)%len(h.keys)]; k.key != "" {
			req.Header.Set(headerKey, k.key)
			req.Header.Set(headerSecret, k.secret)
		}
		w := inproc.Serve(h.e, req)
		what := req.Method + " " + req.URL.String()
		var env struct {
			Success   *bool   `json:"success"`
			Message   *string `json:"message"`
			ErrorCode string  `json:"errorCode"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &env); err != nil || env.Success == nil || env.Message == nil {
			t.Fatalf("%s: HTTP %d, not AD Web's envelope (%v): %s", what, w.Code, err, w.Body)
		}
		switch {
		case *env.Success && w.Code != http.StatusOK:
			t.Fatalf("%s: success with HTTP %d", what, w.Code)
		case !*env.Success && (w.Code < 400 || env.ErrorCode == "" || *env.Message == ""):
			t.Fatalf("%s: HTTP %d failure without a code or message: %s", what, w.Code, w.Body)
		case w.Code >= 500:
			t.Fatalf("%s: HTTP %d on the embedded store: %s", what, w.Code, w.Body)
		}
	})
}

type fuzzAdWeb struct {
	e    http.Handler
	keys []credentials // admin, read-only, none
}

func newFuzzAdWeb(f *testing.F) *fuzzAdWeb {
	env := inproc.New(f, identity.DomainConfig{Name: fqdn}, baseDN, func(c *embedded.Config) { c.ExtraAttributes = []string{"pager"} })
	if _, err := env.Domain.CreateOU(context.Background(), inproc.System, directory.NewOU{ParentDN: baseDN, Name: "Dart"}); err != nil {
		f.Fatal(err)
	}
	cfg := DefaultConfig()
	h := &fuzzAdWeb{}
	for _, k := range []struct {
		name     string
		readOnly bool
	}{{"admin", false}, {"reader", true}} {
		kc, secret, err := NewKey(k.name, k.readOnly, nil)
		if err != nil {
			f.Fatal(err)
		}
		cfg.Keys = append(cfg.Keys, kc)
		h.keys = append(h.keys, credentials{kc.Key, secret})
	}
	h.keys = append(h.keys, credentials{})
	if err := cfg.Validate(); err != nil {
		f.Fatal(err)
	}
	d, err := cfg.Build(env.Deps(f))
	if err != nil {
		f.Fatal(err)
	}
	h.e = inproc.Mount(d, DefaultPrefix, dialect.Listener{Network: "tcp", Address: "127.0.0.1:0"})
	return h
}
