package throttle_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

const (
	base      = "dc=example,dc=com"
	peopleDN  = "ou=people," + base
	articaKey = "throttle-artica-key-0a1b2c3d4e"
	// proxy is the trusted reverse proxy's address.
	proxy = "127.0.0.9"
)

// account is a seeded directory user.
type account struct{ name, password string }

var (
	jane  = account{"jane", "Jane-Pw-5d4c3b2a"}
	bob   = account{"bob", "Bob-Pw-1f2e3d4c"}
	carol = account{"carol", "Carol-Pw-9a8b7c6d"}
)

func (a account) dn() string { return "uid=" + a.name + "," + peopleDN }

// ldapStack is slapd (ppolicy: lock after 5 failures) and dirgate with
// Kanboard, OpenAPI and Artica's TCP listener, behind the trusted proxy
// 127.0.0.9 that reports clients in X-Forwarded-For.
type ldapStack struct {
	ldap      *slapd.Server
	proc      *e2eutil.Process
	url       string
	articaURL string
	audit     string
}

func startLDAPStack(t *testing.T) *ldapStack {
	t.Helper()
	var seed strings.Builder
	seed.WriteString("dn: " + peopleDN + "\nobjectClass: organizationalUnit\nou: people\n\n")
	seed.WriteString("dn: ou=groups," + base + "\nobjectClass: organizationalUnit\nou: groups\n\n")
	for i, a := range []account{jane, bob, carol} {
		fmt.Fprintf(&seed, "dn: %s\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\nuid: %s\ncn: %s\nsn: %s\n"+
			"uidNumber: %d\ngidNumber: 10000\nhomeDirectory: /home/%s\nuserPassword: %s\n\n",
			a.dn(), a.name, a.name, a.name, 20001+i, a.name, a.password)
	}
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: seed.String()})
	s := &ldapStack{ldap: srv, audit: filepath.Join(t.TempDir(), "audit.log")}
	tcp := e2eutil.FreeAddr(t)
	sum := sha256.Sum256([]byte(articaKey))
	doc := map[string]any{
		"audit":   map[string]any{"file": s.audit},
		"server":  map[string]any{"trustedProxies": []string{proxy}},
		"domains": []any{map[string]any{"name": "example.com", "baseDN": base, "backend": backend}},
		"dialects": map[string]any{
			"kanboard": map[string]any{"config": map[string]any{"token": "throttle-kanboard-token-0123"}},
			"openapi": map[string]any{"config": map[string]any{"jwtSecret": "throttle-openapi-jwt-secret-0123456789abcdef",
				"invitations": map[string]any{"secret": "throttle-openapi-invitation-secret-0123456789ab"}}},
			"artica": map[string]any{
				"listeners": []any{map[string]any{"tcp": tcp}},
				"config": map[string]any{
					"allowFrom": []string{"127.0.0.1/32", "198.51.100.0/24"},
					"apiKeys":   []any{map[string]any{"name": "rw", "hash": "sha256:" + hex.EncodeToString(sum[:])}},
					"backup":    map[string]any{"dir": filepath.Join(t.TempDir(), "backups")},
				},
			},
		},
	}
	cfg, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s.proc = e2eutil.Start(t, e2eutil.Options{Config: string(cfg)})
	s.url, s.articaURL = s.proc.URL, "http://"+tcp
	return s
}

// lockState reads the ppolicy attributes slapd keeps on the account.
func (s *ldapStack) lockState(t *testing.T, a account) (failures int, locked bool) {
	t.Helper()
	conn, err := ldap.DialURL(s.ldap.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.Bind(s.ldap.BindDN, s.ldap.BindPassword); err != nil {
		t.Fatal(err)
	}
	res, err := conn.Search(ldap.NewSearchRequest(a.dn(), ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"pwdFailureTime", "pwdAccountLockedTime"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("read %s: %v", a.dn(), err)
	}
	e := res.Entries[0]
	return len(e.GetAttributeValues("pwdFailureTime")), e.GetAttributeValue("pwdAccountLockedTime") != ""
}

func login(a account) string {
	return fmt.Sprintf(`{"username":%q,"password":%q}`, a.name, a.password)
}

// TestSlapdFloodCannotLockAccount: on OpenLDAP the lockout counter is
// slapd's (ppolicy pwdMaxFailure 5). A parallel flood of wrong Kanboard
// Basic passwords leaves three failures on the entry and no lock, and the
// owner logs in from another address.
func TestSlapdFloodCannotLockAccount(t *testing.T) {
	s := startLDAPStack(t)
	attacker := from("127.0.0.1")
	answers := flood(t, 40, func() answer {
		return do(t, attacker, http.MethodPost, s.url+"/jsonrpc.php", getAllUsers, basic(jane.name, "wrong-guess"))
	})
	counts := tally(t, "kanboard flood", answers, kanboard429)
	if counts[http.StatusUnauthorized] != 3 || counts[http.StatusTooManyRequests] != 37 {
		t.Fatalf("flood answers by status: %v; want 3 × 401 and 37 × 429", counts)
	}
	if failures, locked := s.lockState(t, jane); failures != 3 || locked {
		t.Fatalf("slapd counted %d failures (locked: %v); want 3 and no lock", failures, locked)
	}
	if a := do(t, from("127.0.0.2"), http.MethodPost, s.url+"/api/login", login(jane), nil); a.status != http.StatusOK {
		t.Fatalf("the owner from another address: HTTP %d %s", a.status, a.body)
	}
	if failures, locked := s.lockState(t, jane); failures != 0 || locked {
		t.Fatalf("after the owner's login slapd keeps %d failures (locked: %v)", failures, locked)
	}
}

// TestForwardedForOnlyFromTrustedProxy: X-Forwarded-For from any other
// peer is ignored (rotating it does not buy an attacker a fresh budget);
// from the trusted proxy it names the client, for the throttle, the
// access log, the audit log and Artica's allow-list.
func TestForwardedForOnlyFromTrustedProxy(t *testing.T) {
	s := startLDAPStack(t)
	loginURL := s.url + "/api/login"
	wrong := func(a account) string { return fmt.Sprintf(`{"username":%q,"password":"wrong"}`, a.name) }

	t.Run("spoofed header from an untrusted peer", func(t *testing.T) {
		c := from("127.0.0.1")
		var answers []answer
		for i := range 10 {
			answers = append(answers, do(t, c, http.MethodPost, loginURL, wrong(bob),
				http.Header{"X-Forwarded-For": {fmt.Sprintf("203.0.113.%d", i+1)}}))
		}
		counts := tally(t, "spoofed", answers, openAPI429)
		if counts[http.StatusUnauthorized] != 3 || counts[http.StatusTooManyRequests] != 7 {
			t.Fatalf("answers by status: %v; want 3 × 401, then 429 whatever the header says", counts)
		}
		if failures, locked := s.lockState(t, bob); failures != 3 || locked {
			t.Fatalf("slapd counted %d failures (locked: %v); want 3", failures, locked)
		}
	})

	t.Run("header from the trusted proxy", func(t *testing.T) {
		c := from(proxy)
		behind := func(client string) http.Header { return http.Header{"X-Forwarded-For": {client}} }
		var answers []answer
		for range 6 {
			answers = append(answers, do(t, c, http.MethodPost, loginURL, wrong(carol), behind("203.0.113.50")))
		}
		counts := tally(t, "via proxy", answers, openAPI429)
		if counts[http.StatusUnauthorized] != 3 || counts[http.StatusTooManyRequests] != 3 {
			t.Fatalf("answers by status: %v; want 3 × 401 then 429", counts)
		}
		// Another client behind the same proxy is another address.
		if a := do(t, c, http.MethodPost, loginURL, login(carol), behind("203.0.113.51")); a.status != http.StatusOK {
			t.Fatalf("carol from another client behind the proxy: HTTP %d %s", a.status, a.body)
		}
		// The access line is written just after the answer is sent.
		deadline := time.Now().Add(5 * time.Second)
		for !strings.Contains(s.proc.Stderr(), `"client":"203.0.113.51"`) {
			if time.Now().After(deadline) {
				t.Fatal(`the access log has no "client":"203.0.113.51"`)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})

	t.Run("Artica's allow-list and audit log", func(t *testing.T) {
		key := http.Header{"X-Api-Key": {articaKey}}
		with := func(h http.Header, k, v string) http.Header {
			out := h.Clone()
			out.Set(k, v)
			return out
		}
		ping := s.articaURL + "/ping"
		if a := do(t, from(proxy), http.MethodGet, ping, "", with(key, "X-Forwarded-For", "198.51.100.7")); a.status != http.StatusOK {
			t.Fatalf("allowed client behind the proxy: HTTP %d %s", a.status, a.body)
		}
		if a := do(t, from(proxy), http.MethodGet, ping, "", with(key, "X-Forwarded-For", "192.0.2.1")); a.status != http.StatusForbidden {
			t.Fatalf("client outside the allow-list behind the proxy: HTTP %d %s", a.status, a.body)
		}
		if a := do(t, from("127.0.0.2"), http.MethodGet, ping, "", with(key, "X-Forwarded-For", "198.51.100.7")); a.status != http.StatusForbidden {
			t.Fatalf("spoofed allowed address from an untrusted peer: HTTP %d %s", a.status, a.body)
		}
		a := do(t, from(proxy), http.MethodPost, s.articaURL+"/openldap/members",
			`{"login":"proxied","password":"Proxied-Pw-42","ou":"example.com"}`, with(key, "X-Forwarded-For", "198.51.100.7"))
		if a.status != http.StatusOK || !strings.Contains(a.body, `"Status": true`) {
			t.Fatalf("create through the proxy: HTTP %d %s", a.status, a.body)
		}
		audit, err := os.ReadFile(s.audit)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(audit), `"address":"198.51.100.7"`) {
			t.Fatalf("the audit log does not record the client behind the proxy:\n%s", audit)
		}
	})

	t.Run("Artica's TCP key is throttled per address", func(t *testing.T) {
		// A fresh client inside the allow-list, behind the proxy.
		c := from(proxy)
		h := http.Header{"X-Api-Key": {"wrong-key-0123456789"}, "X-Forwarded-For": {"198.51.100.8"}}
		var answers []answer
		for range 30 {
			answers = append(answers, do(t, c, http.MethodGet, s.articaURL+"/ping", "", h))
		}
		counts := tally(t, "artica keys", answers, artica429)
		if counts[http.StatusForbidden] != 20 || counts[http.StatusTooManyRequests] != 10 {
			t.Fatalf("answers by status: %v; want 20 × 403 then 10 × 429", counts)
		}
	})
}
