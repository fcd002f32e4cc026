package injection_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// Kanboard's victim user.
const (
	kbVictim   = "kb-victim"
	kbVictimDN = "uid=" + kbVictim + "," + hostile.PeopleDN
	kbPassword = "Kanboard-Inj-Pw-2b3c"
)

func (s *stackOf) kbAuth(r *http.Request) { r.SetBasicAuth("jsonrpc", s.KanboardToken) }

// kbCall is one JSON-RPC call in application mode.
func (s *stackOf) kbCall(method, params string) call {
	return call{method: http.MethodPost, url: s.URL + "/jsonrpc.php", auth: s.kbAuth,
		body: `{"jsonrpc":"2.0","method":"` + method + `","id":1,"params":` + params + `}`}
}

// kbPrepare creates the victim (an app-manager, so the role groups
// exist) and registers bob with createLdapUser (so the LDAP users' group
// exists); it returns the victim's id.
func (s *stackOf) kbPrepare(t *testing.T) string {
	t.Helper()
	s.Leaks.Secret(kbPassword)
	r := s.send(t, s.kbCall("createUser", `{"username":"`+kbVictim+`","password":"`+kbPassword+`","role":"app-manager"}`), "")
	var out struct{ Result json.Number }
	if json.Unmarshal(r.Body, &out) != nil || out.Result == "" {
		t.Fatalf("kanboard victim: %s", r.Body)
	}
	if r := s.send(t, s.kbCall("createLdapUser", `{"username":"bob"}`), ""); s.envelope(t, "kanboard", "prepare", r).message != "" {
		t.Fatalf("kanboard createLdapUser: %s", r.Body)
	}
	return out.Result.String()
}

// kanboardProbes: every argument of every procedure in application mode,
// and the Basic username of user mode (a directory lookup).
func (s *stackOf) kanboardProbes(victimID string) []*probe {
	newProbe := func(name string, k kind, c call, base, attr string) *probe {
		p := s.probeOf("kanboard", name, k, c)
		p.base, p.attr, p.trims = base, attr, true
		return p
	}
	fixed := s.removing("uid=kb-fixed," + hostile.PeopleDN)
	with := func(p *probe, cleanup func(*testing.T, bool), wrap func(string) string) *probe {
		p.cleanup, p.wrap = cleanup, wrap
		return p
	}
	const pwJSON = `"` + kbPassword + `"`
	getByName := newProbe("getUserByName username", search, s.kbCall("getUserByName", `{"username":{J}}`), "", "")
	getByName.results = kbUsername
	probes := []*probe{
		newProbe("createUser username", create, s.kbCall("createUser", `{"username":{J},"password":`+pwJSON+`}`), hostile.PeopleDN, "uid"),
		pw(with(newProbe("createUser password", secret, s.kbCall("createUser", `{"username":"kb-fixed","password":{J}}`), "", ""), fixed, nil)),
		with(newProbe("createUser name", create, s.kbCall("createUser", `{"username":"kb-fixed","password":`+pwJSON+`,"name":{J}}`), hostile.PeopleDN, "displayName"), fixed, nil),
		with(newProbe("createUser email", create, s.kbCall("createUser", `{"username":"kb-fixed","password":`+pwJSON+`,"email":{J}}`), hostile.PeopleDN, "mail"), fixed, nil),
		with(newProbe("createUser role", lookup, s.kbCall("createUser", `{"username":"kb-fixed","password":`+pwJSON+`,"role":{J}}`), "", ""), fixed, nil),
		newProbe("createLdapUser username", lookup, s.kbCall("createLdapUser", `{"username":{J}}`), "", ""),
		getByName,
		newProbe("updateUser id", lookup, s.kbCall("updateUser", `{"id":{J},"name":"changed"}`), "", ""),
		newProbe("updateUser username", rename, s.kbCall("updateUser", `{"id":`+victimID+`,"username":{J}}`), kbVictimDN, "uid"),
		newProbe("updateUser name", update, s.kbCall("updateUser", `{"id":`+victimID+`,"name":{J}}`), kbVictimDN, "displayName"),
		newProbe("updateUser email", update, s.kbCall("updateUser", `{"id":`+victimID+`,"email":{J}}`), kbVictimDN, "mail"),
		newProbe("updateUser role", lookup, s.kbCall("updateUser", `{"id":`+victimID+`,"role":{J}}`), "", ""),
	}
	for _, proc := range []string{"getUser", "removeUser", "isActiveUser"} {
		probes = append(probes, newProbe(proc+" user_id", lookup, s.kbCall(proc, `{"user_id":{J}}`), "", ""))
	}
	// Kanboard's disable and enable answer true for an id that names no
	// user (an UPDATE of no row): the snapshot judges that nothing changed.
	for _, proc := range []string{"disableUser", "enableUser"} {
		probes = append(probes, newProbe(proc+" user_id", opaque, s.kbCall(proc, `{"user_id":{J}}`), "", ""))
	}
	// The Basic username of user mode is looked up in the directory.
	basic := &probe{dialect: "kanboard", name: "Basic username", kind: lookup,
		send: func(t *testing.T, raw string) hostile.Reply {
			c := s.kbCall("getAllUsers", `{}`)
			c.auth = func(r *http.Request) {
				r.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(raw+":"+hostile.Alice.Password)))
			}
			return s.send(t, c, "")
		}}
	return append(probes, basic)
}

// kbUsername is the username getUserByName answered (none for null).
func kbUsername(r hostile.Reply) []string {
	var out struct {
		Result *struct{ Username string }
	}
	if json.Unmarshal(r.Body, &out) != nil || out.Result == nil {
		return nil
	}
	return []string{out.Result.Username}
}
