// Package scim_test drives the built dirgate binary on a private slapd
// through the SCIM 2.0 dialect, replaying the request sequences Microsoft
// Entra ID and Okta publish for their SCIM provisioning, and checks each
// step both in the answer and in the directory.
package scim_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/adapters/scim"
	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }

const (
	base   = "dc=example,dc=com"
	people = "ou=people," + base
	groups = "ou=groups," + base
)

const fixtureLDIF = `dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups
`

// stack is one directory server and one dirgate serving SCIM on it.
type stack struct {
	// dial connects to the directory as its administrator; base is the
	// domain's base there.
	dial  func(t *testing.T) *ldap.Conn
	base  string
	proc  *e2eutil.Process
	url   string
	token string
	hc    *http.Client
}

// start is one slapd and dirgate on it.
func start(t *testing.T) *stack {
	t.Helper()
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: fixtureLDIF})
	return startOn(t, "example.com", backend, nil, func(t *testing.T) *ldap.Conn { return srv.Dial(t) }, base)
}

// startOn starts dirgate on a backend with one SCIM token.
func startOn(t *testing.T, domain string, backend, domainExtra map[string]any, dial func(*testing.T) *ldap.Conn, base string) *stack {
	t.Helper()
	tc, token, err := scim.NewToken("idp", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	extra := map[string]any{
		"dialects": map[string]any{"scim": map[string]any{
			"config": map[string]any{"tokens": []any{map[string]any{"name": tc.Name, "tokenHash": tc.TokenHash}}},
		}},
	}
	dom := map[string]any{"name": domain, "backend": backend}
	for k, v := range domainExtra {
		dom[k] = v
	}
	extra["domains"] = []any{dom}
	cfg, err := yaml.Marshal(extra)
	if err != nil {
		t.Fatal(err)
	}
	p := e2eutil.Start(t, e2eutil.Options{Config: string(cfg)})
	return &stack{dial: dial, base: base, proc: p, url: p.URL + scim.DefaultPrefix, token: token, hc: &http.Client{Timeout: 30 * time.Second}}
}

// response is one answer.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) doc(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil {
		t.Fatalf("answer %d is not a JSON object: %s", r.status, r.body)
	}
	return m
}

// do sends a request as an identity provider does: the bearer token,
// application/scim+json.
func (s *stack) do(t *testing.T, method, path, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, s.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Accept", "application/scim+json")
	if body != "" {
		req.Header.Set("Content-Type", "application/scim+json; charset=utf-8")
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: string(b)}
}

// expect checks the status and, for an answer with a body, SCIM's media
// type; want are substrings of the body.
func expect(t *testing.T, r response, status int, want ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if r.body != "" && !strings.HasPrefix(r.header.Get("Content-Type"), "application/scim+json") {
		t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
	}
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Fatalf("the answer lacks %q: %s", w, r.body)
		}
	}
}

// q encodes a filter for a query string.
func q(filter string) string { return url.QueryEscape(filter) }

// entry reads one entry straight from the directory (nil when absent).
func (s *stack) entry(t *testing.T, dn string, attrs ...string) *ldap.Entry {
	t.Helper()
	conn := s.dial(t)
	res, err := conn.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", attrs, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return nil
	}
	if err != nil {
		t.Fatalf("read %s: %v", dn, err)
	}
	return res.Entries[0]
}

// count is how many entries below the base a raw LDAP filter matches.
func (s *stack) count(t *testing.T, filter string) int {
	t.Helper()
	return len(s.search(t, filter, "1.1"))
}

// find is the one entry below the base a raw LDAP filter matches, nil
// when none does.
func (s *stack) find(t *testing.T, filter string, attrs ...string) *ldap.Entry {
	t.Helper()
	es := s.search(t, filter, attrs...)
	switch len(es) {
	case 0:
		return nil
	case 1:
		return es[0]
	}
	t.Fatalf("%s matches %d entries", filter, len(es))
	return nil
}

func (s *stack) search(t *testing.T, filter string, attrs ...string) []*ldap.Entry {
	t.Helper()
	conn := s.dial(t)
	res, err := conn.Search(ldap.NewSearchRequest(s.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		filter, attrs, nil))
	if err != nil {
		t.Fatalf("search %s: %v", filter, err)
	}
	return res.Entries
}

func userDN(uid string) string   { return "uid=" + ldap.EscapeDN(uid) + "," + people }
func groupDN(name string) string { return "cn=" + ldap.EscapeDN(name) + "," + groups }

// totalResults reads a ListResponse's count and its resources' ids.
func totalResults(t *testing.T, r response) (int, []string) {
	t.Helper()
	var lr struct {
		TotalResults int              `json:"totalResults"`
		ItemsPerPage int              `json:"itemsPerPage"`
		Resources    []map[string]any `json:"Resources"`
	}
	if err := json.Unmarshal([]byte(r.body), &lr); err != nil {
		t.Fatalf("not a ListResponse: %s", r.body)
	}
	var ids []string
	for _, res := range lr.Resources {
		ids = append(ids, res["id"].(string))
	}
	if lr.ItemsPerPage != len(ids) {
		t.Fatalf("itemsPerPage %d for %d resources", lr.ItemsPerPage, len(ids))
	}
	return lr.TotalResults, ids
}
