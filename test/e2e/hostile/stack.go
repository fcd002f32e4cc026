// Package hostile is the stack the hostile-input suites (test/e2e/injection
// and test/e2e/authmatrix) drive: one private slapd seeded with users and
// groups that a broken escape or a broken check would expose, and one
// built dirgate serving all five dialects on it, every credential kind of
// every dialect configured, its log at debug level and its audit log in a
// file. Every answer the suites receive goes through a recording client,
// so the secret-leak check at the end sees all of them.
package hostile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/adapters/adweb"
	"github.com/dirgate/dirgate/adapters/scim"
	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// The directory's layout.
const (
	Domain     = "example.com"
	Base       = "dc=example,dc=com"
	PeopleDN   = "ou=people," + Base
	GroupsDN   = "ou=groups," + Base
	ScopedDN   = "ou=scoped," + Base
	AdminGroup = "dirgate-admins"
	// KanboardAdminGroup is Kanboard's app-admin group; AdminGroup is a
	// member of it, so the gateway's admins are Kanboard's too.
	KanboardAdminGroup = "kanboard-admins"
	// OrgUsersDN is where Artica's organization keeps its users.
	OrgUsersDN = "ou=users,ou=example.com,dc=organizations," + Base
)

// Account is a seeded directory user.
type Account struct {
	Username, Password string
	UIDNumber          int
}

// DN is the account's entry.
func (a Account) DN() string { return "uid=" + ldap.EscapeDN(a.Username) + "," + PeopleDN }

// The seeded accounts. Root is in the admin group (admin of privacyIDEA,
// OpenAPI and Kanboard), Lister too but privacyIDEA's policy lets it only
// list; Alice and Bob are plain users; Literal's name is full of filter
// metacharacters, so a search for exactly that name has one right answer.
var (
	Root    = Account{"root", "Root-Pw-4f8e2d1c", 60001}
	Lister  = Account{"lister", "Lister-Pw-9b7a6c5d", 60002}
	Alice   = Account{"alice", "Alice-Pw-3c2b1a0f", 60003}
	Bob     = Account{"bob", "Bob-Pw-7e6d5c4b", 60004}
	Literal = Account{"lit*)(uid=*", "Literal-Pw-1a2b3c4d", 60005}
	// Seeded are every seeded account, for the leak check and searches.
	Seeded = []Account{Root, Lister, Alice, Bob, Literal}
)

// KeyPair is an AD-web ApiKey and ApiSecret.
type KeyPair struct{ Key, Secret string }

// Stack is the running directory and dirgate.
type Stack struct {
	LDAP *slapd.Server
	Proc *e2eutil.Process
	// URL is the main listener; Socket Artica's unix socket, ArticaTCP
	// its TCP listener (host:port).
	URL, Socket, ArticaTCP string
	ConfigPath, AuditFile  string
	// Leaks holds every password used and every answer received.
	Leaks *e2eutil.Leaks
	// HTTP talks to the TCP listeners, Unix to Artica's socket; both
	// record answers for Leaks.
	HTTP, Unix *http.Client

	// Credentials of each dialect.
	ADWebAdmin, ADWebReader, ADWebScoped KeyPair
	ArticaKey, ArticaReadOnlyKey         string
	KanboardToken                        string
	PrivacyIDEASecret, OpenAPISecret     string
	// ConsoleSecret signs the web console's sessions.
	ConsoleSecret string
	// SCIM bearer tokens: full access, read-only, limited to ScopedDN.
	SCIMAdmin, SCIMReader, SCIMScoped string
}

// Secrets of the stack's configuration.
const (
	articaKey         = "hostile-artica-rw-key-0c1d2e3f"
	articaReadOnlyKey = "hostile-artica-ro-key-4a5b6c7d"
	kanboardToken     = "hostile-kanboard-token-8e9f0a1b"
	privacyIDEASecret = "hostile-privacyidea-secret-2c3d4e5f"
	openAPISecret     = "hostile-openapi-jwt-secret-6a7b8c9d0e1f2a3b"
	invitationSecret  = "hostile-openapi-invitation-secret-4c5d6e7f8a9b"
	consoleSecret     = "hostile-console-session-secret-1f2e3d4c5b6a7988"
)

// Start starts slapd with the seed and dirgate with every dialect.
func Start(t *testing.T) *Stack {
	t.Helper()
	// The lockout is out of the way: these suites send wrong passwords on
	// purpose, and lockout has tests of its own.
	srv, backend := e2eutil.LDAP(t, slapd.Options{LDIF: seedLDIF(), Lockout: 1000})
	dir := t.TempDir()
	s := &Stack{
		LDAP: srv, Socket: filepath.Join(dir, "artica.sock"), ArticaTCP: e2eutil.FreeAddr(t),
		AuditFile: filepath.Join(dir, "audit.log"), Leaks: &e2eutil.Leaks{},
		ArticaKey: articaKey, ArticaReadOnlyKey: articaReadOnlyKey, KanboardToken: kanboardToken,
		PrivacyIDEASecret: privacyIDEASecret, OpenAPISecret: openAPISecret, ConsoleSecret: consoleSecret,
	}
	var keys []any
	for _, k := range []struct {
		pair     *KeyPair
		name     string
		readOnly bool
		subtrees []string
	}{{&s.ADWebAdmin, "hostile-admin", false, nil}, {&s.ADWebReader, "hostile-reader", true, nil},
		{&s.ADWebScoped, "hostile-scoped", false, []string{ScopedDN}}} {
		kc, secret, err := adweb.NewKey(k.name, k.readOnly, k.subtrees)
		if err != nil {
			t.Fatal(err)
		}
		*k.pair = KeyPair{kc.Key, secret}
		keys = append(keys, map[string]any{"name": kc.Name, "key": kc.Key, "secretHash": kc.SecretHash,
			"readOnly": kc.ReadOnly, "subtrees": kc.Subtrees})
	}
	var scimTokens []any
	for _, k := range []struct {
		token    *string
		name     string
		readOnly bool
		subtrees []string
	}{{&s.SCIMAdmin, "hostile-admin", false, nil}, {&s.SCIMReader, "hostile-reader", true, nil},
		{&s.SCIMScoped, "hostile-scoped", false, []string{ScopedDN}}} {
		tc, token, err := scim.NewToken(k.name, k.readOnly, k.subtrees)
		if err != nil {
			t.Fatal(err)
		}
		scimTokens = append(scimTokens, map[string]any{"name": tc.Name, "tokenHash": tc.TokenHash, "readOnly": tc.ReadOnly, "subtrees": tc.Subtrees})
		*k.token = token
	}
	doc := map[string]any{
		// So is the throttle, for the same reason; test/e2e/throttle
		// tests it.
		"server": map[string]any{"throttle": map[string]any{
			"perAddress": map[string]any{"failures": 0}, "perAccountAddress": map[string]any{"failures": 0}}},
		"log":     map[string]any{"level": "debug"},
		"audit":   map[string]any{"file": s.AuditFile},
		"domains": []any{map[string]any{"name": Domain, "baseDN": Base, "backend": backend}},
		// The web console: its routes are in the auth matrix too.
		"console": map[string]any{"enabled": true, "sessionSecret": consoleSecret},
		"dialects": map[string]any{
			"artica": map[string]any{
				"listeners": []any{map[string]any{"unix": s.Socket, "mode": "0600"}, map[string]any{"tcp": s.ArticaTCP}},
				"config": map[string]any{"apiKeys": []any{
					map[string]any{"name": "rw", "hash": hashKey(articaKey)},
					map[string]any{"name": "ro", "hash": hashKey(articaReadOnlyKey), "readOnly": true},
				}, "backup": map[string]any{"dir": filepath.Join(dir, "backups")}},
			},
			"adweb": map[string]any{"config": map[string]any{"keys": keys}},
			"privacyidea": map[string]any{"config": map[string]any{
				"secret": privacyIDEASecret, "defaultRealm": "corp",
				"resolvers": map[string]any{"people": map[string]any{"subtree": PeopleDN, "editable": true}},
				"realms":    map[string]any{"corp": map[string]any{"resolvers": []string{"people"}}},
				"admins":    map[string]any{"groups": []string{AdminGroup}},
				"policies": []any{
					map[string]any{"name": "all", "admins": []string{Root.Username}, "actions": []string{"userlist", "adduser", "updateuser", "deleteuser"}},
					map[string]any{"name": "list", "admins": []string{Lister.Username}, "actions": []string{"userlist"}},
				},
			}},
			"kanboard": map[string]any{"config": map[string]any{"token": kanboardToken, "adminGroup": KanboardAdminGroup}},
			"openapi": map[string]any{"config": map[string]any{
				"jwtSecret": openAPISecret, "adminGroup": AdminGroup,
				"invitations": map[string]any{"secret": invitationSecret},
			}},
			"scim": map[string]any{"config": map[string]any{"tokens": scimTokens}},
		},
	}
	cfg, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s.Proc = e2eutil.Start(t, e2eutil.Options{Config: string(cfg)})
	s.URL, s.ConfigPath = s.Proc.URL, s.Proc.ConfigPath
	s.HTTP = &http.Client{Timeout: 20 * time.Second, Transport: s.Leaks.Transport(nil)}
	s.Unix = &http.Client{Timeout: 20 * time.Second, Transport: s.Leaks.Transport(&http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", s.Socket)
		},
	})}
	for _, a := range Seeded {
		s.Leaks.Secret(a.Password)
	}
	s.Leaks.Secret(articaKey, articaReadOnlyKey, kanboardToken, privacyIDEASecret, openAPISecret, invitationSecret, consoleSecret,
		s.ADWebAdmin.Secret, s.ADWebReader.Secret, s.ADWebScoped.Secret, s.SCIMAdmin, s.SCIMReader, s.SCIMScoped)
	return s
}

func hashKey(key string) string {
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// CheckLeaks runs the secret-leak check over dirgate's output, its audit
// log and every answer the suite received.
func (s *Stack) CheckLeaks(t *testing.T) {
	t.Helper()
	s.Leaks.Check(t, s.Leaks.Process(s.Proc), []e2eutil.Source{e2eutil.FileSource(s.AuditFile)})
}

// CheckNoPanic fails when dirgate recovered from a panic: the server
// answers a panic with a 500 and logs its stack.
func (s *Stack) CheckNoPanic(t *testing.T) {
	t.Helper()
	if out := s.Proc.Stderr(); strings.Contains(out, "panic while answering a request") {
		i := strings.Index(out, "panic while answering a request")
		t.Errorf("dirgate panicked answering a request:\n%s", out[max(0, i-200):min(len(out), i+2000)])
	}
}

// Reply is one HTTP answer.
type Reply struct {
	Status  int
	Header  http.Header
	Body    []byte
	Elapsed time.Duration
}

// Do sends a request (to the socket when unix) and reads the whole answer.
// A request that does not complete within the client's timeout fails the
// test: dirgate must never hang on input.
func (s *Stack) Do(t *testing.T, unix bool, req *http.Request) Reply {
	t.Helper()
	c := s.HTTP
	if unix {
		c = s.Unix
	}
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, clip(req.URL.String()), err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", req.Method, clip(req.URL.String()), err)
	}
	return Reply{Status: resp.StatusCode, Header: resp.Header, Body: body, Elapsed: time.Since(start)}
}

// Snapshot reads the whole domain over LDAP.
func (s *Stack) Snapshot(t *testing.T) e2eutil.Snapshot {
	t.Helper()
	return e2eutil.TakeSnapshot(t, s.LDAP.Dial(t), Base)
}

func clip(s string) string {
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}
