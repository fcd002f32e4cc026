package artica

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// restoreKey is a TCP key configured with the restore right.
const restoreKey = "e2e-restore-key-0123456789"

func memberDN(uid string) string { return "uid=" + ldap.EscapeDN(uid) + ",ou=users," + orgDN }

// hasMember reports whether the group's member values name dn.
func hasMember(t *testing.T, conn *ldap.Conn, groupDN, dn string) bool {
	t.Helper()
	g := entry(t, conn, groupDN, "member")
	if g == nil {
		t.Fatalf("group %s does not exist", groupDN)
	}
	for _, m := range g.GetAttributeValues("member") {
		if strings.EqualFold(m, dn) {
			return true
		}
	}
	return false
}

// backupNow takes a backup through the socket and returns its file name.
func backupNow(g *gateway) string {
	g.t.Helper()
	var meta struct {
		File string `json:"file"`
	}
	if r := g.unix("GET", "/openldap/backup/now", ""); !r.Status || json.Unmarshal(r.Data, &meta) != nil {
		g.t.Fatalf("backup: %+v", r)
	}
	return meta.File
}

// TestRestoreNeedsTheRestoreRight: a TCP key whose member calls are
// confined to the organizations cannot restore the whole domain, which
// would bring back a user deleted since and undo a password reset; a key
// configured with restore: true can, and the audit line of its restore
// counts the entries added and replaced.
func TestRestoreNeedsTheRestoreRight(t *testing.T) {
	sum := sha256.Sum256([]byte(restoreKey))
	g := newGateway(t, slapd.GroupOfNames, func(a map[string]any) {
		a["apiKeys"] = append(a["apiKeys"].([]any),
			map[string]any{"name": "dr", "hash": "sha256:" + hex.EncodeToString(sum[:]), "restore": true})
	})
	g.p = e2eutil.Start(t, e2eutil.Options{Config: g.cfg})
	conn := g.ldapConn()
	g.unix("POST", "/openldap/members", `{"login":"alice","password":"Alice-Pw-1","ou":"example.com"}`)
	g.unix("POST", "/openldap/members", `{"login":"bob","password":"Bob-Pw-1","ou":"example.com"}`)
	file := backupNow(g)
	g.unix("DELETE", "/openldap/members/alice", "")
	g.unix("POST", "/openldap/members/bob/password", `{"password":"Reset-Pw-2"}`)

	local := tcpClient("127.0.0.1")
	url := "http://" + g.tcp + "/openldap/backup/import/" + file
	r := g.do(local, "GET", url, "", http.Header{"X-API-Key": {tcpKey}}, http.StatusOK)
	if r.Status || !strings.Contains(r.Error, "restore right") {
		t.Fatalf("restore with a key without the restore right: %+v", r)
	}
	time.Sleep(200 * time.Millisecond) // a restore, had one started, would be under way
	if entry(t, conn, memberDN("alice")) != nil || !canBind(t, g.srv.URL, memberDN("bob"), "Reset-Pw-2") {
		t.Fatal("a refused restore changed the directory")
	}
	if lines := restoreLines(g); len(lines) != 1 || !strings.Contains(lines[0], `"caller":"apikey:e2e"`) ||
		!strings.Contains(lines[0], `"outcome":"failure","error":"forbidden"`) || strings.Contains(lines[0], `"entries"`) {
		t.Errorf("audit of the refused restore: %q, want one failure line for apikey:e2e", lines)
	}

	r = g.do(local, "GET", url, "", http.Header{"X-API-Key": {restoreKey}}, http.StatusOK)
	if !r.Status {
		t.Fatalf("restore with the restore key: %+v", r)
	}
	waitRestored(t, g)
	if entry(t, conn, memberDN("alice")) == nil || !canBind(t, g.srv.URL, memberDN("bob"), "Bob-Pw-1") {
		t.Fatal("the restore did not bring alice back and bob's password with it")
	}
	var audit struct {
		Caller  string `json:"caller"`
		Outcome string `json:"outcome"`
		Entries *struct {
			Added, Replaced, Deleted int
		} `json:"entries"`
	}
	lines := restoreLines(g)
	if len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &audit) != nil {
		t.Fatalf("audit lines of the restores: %q", lines)
	}
	if audit.Caller != "apikey:dr" || audit.Outcome != "success" || audit.Entries == nil ||
		audit.Entries.Added != 1 || audit.Entries.Replaced < 2 || audit.Entries.Deleted != 0 {
		t.Errorf("audit line of the restore: %s; want caller apikey:dr, alice added, bob and the rest replaced, none deleted", lines[1])
	}
}

// TestSocketRestoreCanBeTurnedOff: the socket restores by default (the
// seed's examples do); socketRestore: false takes that right away too.
func TestSocketRestoreCanBeTurnedOff(t *testing.T) {
	g := newGateway(t, slapd.GroupOfNames, func(a map[string]any) { a["socketRestore"] = false })
	g.p = e2eutil.Start(t, e2eutil.Options{Config: g.cfg})
	g.unix("POST", "/openldap/members", `{"login":"carol","password":"Carol-Pw-1","ou":"example.com"}`)
	file := backupNow(g)
	g.unix("DELETE", "/openldap/members/carol", "")
	if r := g.unix("GET", "/openldap/backup/import/"+file, ""); r.Status || !strings.Contains(r.Error, "restore right") {
		t.Fatalf("socket restore with socketRestore off: %+v", r)
	}
	if entry(t, g.ldapConn(), memberDN("carol")) != nil {
		t.Fatal("the refused restore brought carol back")
	}
}

// TestMemberCreateCompletesAfterSIGKILL: dirgate is killed (SIGKILL, at
// the fault-injection point between the user's creation and its group
// link). The retried create completes the member instead of answering
// "already exists"; a create with another password is still refused.
func TestMemberCreateCompletesAfterSIGKILL(t *testing.T) {
	g := newGateway(t, slapd.GroupOfNames, nil)
	g.p = e2eutil.Start(t, e2eutil.Options{Config: g.cfg, FaultInjection: true,
		Env: []string{"DIRGATE_FAULT_KILL_AT=create-member:user-created"}})
	body := `{"login":"killed","password":"Killed-Pw-1","ou":"example.com"}`
	resp, err := e2eutil.UnixClient(g.sock).Post("http://localhost/openldap/members", "application/json", strings.NewReader(body))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("the create answered HTTP %d: the process was not killed between the steps", resp.StatusCode)
	}
	if code := g.p.Wait(10 * time.Second); code != 128+int(syscall.SIGKILL) {
		t.Fatalf("exit code %d, want SIGKILL's", code)
	}
	conn := g.ldapConn()
	if entry(t, conn, memberDN("killed")) == nil || hasMember(t, conn, defaultGroup, memberDN("killed")) {
		t.Fatal("the kill did not leave the user without its group link, the state this test is about")
	}

	g.p = e2eutil.Start(t, e2eutil.Options{Config: g.cfg})
	if r := g.unix("POST", "/openldap/members", `{"login":"killed","password":"Other-Pw-1","ou":"example.com"}`); r.Status || !strings.Contains(r.Error, "already exists") {
		t.Fatalf("a create of the same login with another password: %+v, want already exists", r)
	}
	if hasMember(t, conn, defaultGroup, memberDN("killed")) {
		t.Fatal("a create that did not know the password completed the member")
	}
	if r := g.unix("POST", "/openldap/members", body); !r.Status {
		t.Fatalf("the retried create: %+v", r)
	}
	if !hasMember(t, conn, defaultGroup, memberDN("killed")) || !canBind(t, g.srv.URL, memberDN("killed"), "Killed-Pw-1") {
		t.Fatal("the retried create did not complete the member")
	}
	if r := g.unix("POST", "/openldap/members", body); r.Status || !strings.Contains(r.Error, "already exists") {
		t.Errorf("creating the complete member again: %+v, want already exists", r)
	}
}

// restoreLines are the audit lines of imports made by TCP keys (the
// organization's setup imports its dc= container too).
func restoreLines(g *gateway) []string {
	var lines []string
	for _, line := range strings.Split(g.p.Stdout(), "\n") {
		if strings.Contains(line, `"operation":"backup.import"`) && strings.Contains(line, `"caller":"apikey:`) {
			lines = append(lines, line)
		}
	}
	return lines
}
