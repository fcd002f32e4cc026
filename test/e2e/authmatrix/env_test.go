package authmatrix_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// env is the stack and what the probes need to aim at real entries: ids,
// valid tokens of each role, an Artica member and group. A probe is a
// request that would succeed with the right credentials, so a refusal
// that did not happen shows as a success and as a change in the
// directory.
type env struct {
	s *hostile.Stack
	// OpenAPI ids (entryUUID) of seeded entries.
	rootID, aliceID, bobID, staffID string
	// Valid tokens: privacyIDEA admin (every action), user, and admin
	// allowed only to list; OpenAPI admin and user.
	piRoot, piAlice, piLister string
	oaRoot, oaAlice           string
	// Artica's member and group made through the socket, and the
	// organization's default group.
	articaMember              string
	articaGroup, articaDefGID string
}

// newEnv logs in and creates the Artica fixtures, before the directory
// is snapshotted.
func newEnv(t *testing.T, s *hostile.Stack) *env {
	t.Helper()
	e := &env{s: s, articaMember: "am-victim"}
	conn := s.LDAP.Dial(t)
	e.rootID = entryUUID(t, conn, hostile.Root.DN())
	e.aliceID = entryUUID(t, conn, hostile.Alice.DN())
	e.bobID = entryUUID(t, conn, hostile.Bob.DN())
	e.staffID = entryUUID(t, conn, "cn=staff,"+hostile.GroupsDN)

	e.piRoot = e.piLogin(t, hostile.Root)
	e.piAlice = e.piLogin(t, hostile.Alice)
	e.piLister = e.piLogin(t, hostile.Lister)
	e.oaRoot = e.oaLogin(t, hostile.Root)
	e.oaAlice = e.oaLogin(t, hostile.Alice)

	const pw = "Artica-Victim-Pw-5d6e"
	s.Leaks.Secret(pw)
	var member struct {
		Status bool
		Data   struct{ GIDNumber json.Number }
	}
	e.articaUnix(t, http.MethodPost, "/openldap/members", `{"login":"am-victim","password":"`+pw+`","ou":"example.com","gpid":0}`, nil)
	e.articaUnix(t, http.MethodGet, "/openldap/members/am-victim", "", &member)
	e.articaDefGID = member.Data.GIDNumber.String()
	var group struct {
		Data struct{ GID json.Number }
	}
	e.articaUnix(t, http.MethodPost, "/openldap/groups", `{"name":"am-group","ou":"example.com"}`, &group)
	e.articaGroup = group.Data.GID.String()
	if e.articaDefGID == "" || e.articaGroup == "" {
		t.Fatalf("artica fixtures: default gid %q, group gid %q", e.articaDefGID, e.articaGroup)
	}
	return e
}

func entryUUID(t *testing.T, c *ldap.Conn, dn string) string {
	t.Helper()
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"entryUUID"}, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("entryUUID of %s: %v", dn, err)
	}
	return res.Entries[0].GetAttributeValue("entryUUID")
}

func (e *env) piLogin(t *testing.T, a hostile.Account) string {
	t.Helper()
	r := e.do(t, false, e.req(t, http.MethodPost, e.s.URL+"/auth", `{"username":"`+a.Username+`","password":"`+a.Password+`"}`))
	var out struct {
		Result struct {
			Value struct{ Token string }
		}
	}
	if json.Unmarshal(r.Body, &out) != nil || out.Result.Value.Token == "" {
		t.Fatalf("privacyIDEA login as %s: HTTP %d %s", a.Username, r.Status, r.Body)
	}
	return out.Result.Value.Token
}

func (e *env) oaLogin(t *testing.T, a hostile.Account) string {
	t.Helper()
	r := e.do(t, false, e.req(t, http.MethodPost, e.s.URL+"/api/login", `{"username":"`+a.Username+`","password":"`+a.Password+`"}`))
	var out struct{ Token string }
	if json.Unmarshal(r.Body, &out) != nil || out.Token == "" {
		t.Fatalf("OpenAPI login as %s: HTTP %d %s", a.Username, r.Status, r.Body)
	}
	return out.Token
}

// articaUnix calls Artica over the socket and requires Status true.
func (e *env) articaUnix(t *testing.T, method, path, body string, out any) {
	t.Helper()
	r := e.do(t, true, e.req(t, method, "http://localhost"+path, body))
	var env struct{ Status bool }
	if json.Unmarshal(r.Body, &env) != nil || !env.Status {
		t.Fatalf("artica %s %s: %s", method, path, r.Body)
	}
	if out != nil {
		if err := json.Unmarshal(r.Body, out); err != nil {
			t.Fatal(err)
		}
	}
}

// req builds a request with a JSON body (none when body is "").
func (e *env) req(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	var r io.Reader = http.NoBody
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

func (e *env) do(t *testing.T, unix bool, req *http.Request) hostile.Reply {
	t.Helper()
	return e.s.Do(t, unix, req)
}

// expiredAt is a moment well past every token's lifetime and leeway.
func expiredAt() time.Time { return time.Now().Add(-2 * time.Hour) }
