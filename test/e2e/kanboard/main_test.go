// Package kanboard_test drives the built dirgate binary on a private slapd
// as Kanboard clients do: raw JSON-RPC over HTTP from Go, and Kanboard's
// official Python client's behaviour from python3.
package kanboard_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

func TestMain(m *testing.M) { e2eutil.Main(m) }

const base = "dc=example,dc=com"

// fixtureLDIF is the tree Kanboard works in: its users container, the
// groups container, and a staff container with existing directory users
// for createLdapUser: one POSIX account and one without a uidNumber (its
// dirgateObject class lets the backend store one without the other POSIX
// attributes).
const fixtureLDIF = `dn: ou=people,dc=example,dc=com
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=example,dc=com
objectClass: organizationalUnit
ou: groups

dn: ou=staff,dc=example,dc=com
objectClass: organizationalUnit
ou: staff

dn: uid=jane.staff,ou=staff,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: posixAccount
uid: jane.staff
cn: Jane Staff
sn: Staff
displayName: Jane Staff
mail: jane.staff@example.com
uidNumber: 20001
gidNumber: 10000
homeDirectory: /home/jane.staff
userPassword: Jane-Staff-Pw1

dn: uid=nonum.staff,ou=staff,dc=example,dc=com
objectClass: inetOrgPerson
objectClass: dirgateObject
uid: nonum.staff
cn: No Number
sn: Number
`

// stack is one slapd and one dirgate serving the Kanboard dialect on it.
type stack struct {
	ldap  *slapd.Server
	proc  *e2eutil.Process
	url   string
	token string
}

func start(t *testing.T) *stack {
	t.Helper()
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: fixtureLDIF})
	token := "e2e-" + random(12)
	cfg := e2eutil.DomainConfig(t, "example.com", backend, map[string]any{
		"dialects": map[string]any{"kanboard": map[string]any{"config": map[string]any{"token": token}}},
	})
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})
	return &stack{ldap: srv, proc: p, url: p.URL + "/jsonrpc.php", token: token}
}

func random(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:n]
}

// answer is one HTTP exchange.
type answer struct {
	status int
	header http.Header
	body   string
}

// post sends body with Basic user:password ("" user: no credentials).
func (s *stack) post(t *testing.T, user, password, body string) answer {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", s.url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(raw)}
}

// app posts in application mode.
func (s *stack) app(t *testing.T, body string) answer {
	t.Helper()
	return s.post(t, "jsonrpc", s.token, body)
}

// call makes one application-mode call with id 1 and returns its result,
// failing the test on anything but HTTP 200 with a result.
func (s *stack) call(t *testing.T, method string, params any) json.RawMessage {
	t.Helper()
	req := map[string]any{"jsonrpc": "2.0", "id": 1, "method": method}
	if params != nil {
		req["params"] = params
	}
	raw, _ := json.Marshal(req)
	a := s.app(t, string(raw))
	if a.status != http.StatusOK {
		t.Fatalf("%s: HTTP %d %s", method, a.status, a.body)
	}
	var resp struct {
		Result json.RawMessage `json:"result"`
		Error  json.RawMessage `json:"error"`
		ID     int             `json:"id"`
	}
	if err := json.Unmarshal([]byte(a.body), &resp); err != nil {
		t.Fatalf("%s: %v: %s", method, err, a.body)
	}
	if resp.Error != nil || resp.ID != 1 {
		t.Fatalf("%s: %s", method, a.body)
	}
	return resp.Result
}

func (s *stack) callInt(t *testing.T, method string, params any) int64 {
	t.Helper()
	var n int64
	if r := s.call(t, method, params); json.Unmarshal(r, &n) != nil || n <= 0 {
		t.Fatalf("%s: result %s, want a positive integer", method, r)
	}
	return n
}

// user is getUser's answer.
type user struct {
	ID                   string  `json:"id"`
	Username             string  `json:"username"`
	Role                 string  `json:"role"`
	IsLDAPUser           string  `json:"is_ldap_user"`
	Name                 string  `json:"name"`
	Email                string  `json:"email"`
	GoogleID             *string `json:"google_id"`
	GithubID             *string `json:"github_id"`
	NotificationsEnabled string  `json:"notifications_enabled"`
	IsActive             string  `json:"is_active"`
}

func (s *stack) getUser(t *testing.T, params any) *user {
	t.Helper()
	r := s.call(t, "getUser", params)
	if string(r) == "null" {
		return nil
	}
	var u user
	if err := json.Unmarshal(r, &u); err != nil {
		t.Fatalf("getUser: %v: %s", err, r)
	}
	return &u
}

func wantResult(t *testing.T, what string, got json.RawMessage, want string) {
	t.Helper()
	if string(got) != want {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func wantBody(t *testing.T, what string, a answer, status int, body string) {
	t.Helper()
	if a.status != status || a.body != body {
		t.Errorf("%s:\n got HTTP %d %s\nwant HTTP %d %s", what, a.status, a.body, status, body)
	}
}

// entry reads one entry straight from slapd (nil when absent).
func (s *stack) entry(t *testing.T, dn string, attrs ...string) *ldap.Entry {
	t.Helper()
	conn := s.ldap.Dial(t)
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

// isMember reports whether the group's member values name dn.
func (s *stack) isMember(t *testing.T, group, dn string) bool {
	t.Helper()
	g := s.entry(t, "cn="+group+",ou=groups,"+base, "member")
	if g == nil {
		return false
	}
	want, _ := ldap.ParseDN(dn)
	for _, m := range g.GetAttributeValues("member") {
		if got, err := ldap.ParseDN(m); err == nil && got.EqualFold(want) {
			return true
		}
	}
	return false
}

func userDN(username string) string { return "uid=" + ldap.EscapeDN(username) + ",ou=people," + base }

func compact(t *testing.T, s string) string {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
