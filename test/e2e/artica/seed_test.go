package artica

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
)

const (
	orgDN        = "ou=example.com,dc=organizations,dc=example,dc=com"
	jdupontDN    = "uid=jdupont,ou=users," + orgDN
	defaultGroup = "cn=example.com-users,ou=groups," + orgDN
	accountants  = "cn=accountants,ou=groups," + orgDN
)

// seedCommands are the seed's curl examples, verbatim, in the seed's
// order (testdata/seed-curls.txt; TestSeedCopyIsVerbatim checks it).
func seedCommands(t *testing.T) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "seed-curls.txt"))
	if err != nil {
		t.Fatal(err)
	}
	cmds := strings.Split(strings.TrimSpace(string(raw)), "\n")
	if len(cmds) != 12 {
		t.Fatalf("want the seed's 12 curl examples, have %d", len(cmds))
	}
	return cmds
}

// TestSeedCopyIsVerbatim checks the copy against the seed itself, when
// the project's shared folder lies beside the repository (as in CI).
func TestSeedCopyIsVerbatim(t *testing.T) {
	_, here, _, _ := runtime.Caller(0)
	seed := filepath.Join(filepath.Dir(here), "..", "..", "..", "..", "shared", "seeds", "000_a90c6bbf8f4f1b2c.txt")
	raw, err := os.ReadFile(seed)
	if err != nil {
		t.Skipf("the seed is not beside the repository (%v)", err)
	}
	text := string(raw)
	for _, cmd := range seedCommands(t) {
		if !strings.Contains(text, cmd) {
			t.Errorf("not in the seed verbatim: %s", cmd)
		}
	}
	if n := strings.Count(text, "curl -s"); n != 12 {
		t.Errorf("the seed has %d curl examples, the copy 12", n)
	}
}

// isMember reports whether the user is a member of the group, in either
// group model.
func isMember(t *testing.T, conn *ldap.Conn, groupDN string) bool {
	t.Helper()
	g := entry(t, conn, groupDN, "member", "memberUid")
	if g == nil {
		t.Fatalf("group %s does not exist", groupDN)
	}
	for _, m := range g.GetAttributeValues("member") {
		if strings.EqualFold(m, jdupontDN) {
			return true
		}
	}
	return slices.Contains(g.GetAttributeValues("memberUid"), "jdupont")
}

func TestSeedExamples(t *testing.T) {
	for _, model := range []slapd.GroupModel{slapd.GroupOfNames, slapd.PosixGroup} {
		t.Run(string(model), func(t *testing.T) { runSeed(t, model) })
	}
}

// runSeed runs every curl example of the seed, in an order that makes
// each meaningful (create before update, delete before restoring), and
// checks each answer and the directory afterwards.
func runSeed(t *testing.T, model slapd.GroupModel) {
	g := startGateway(t, model)
	conn := g.ldapConn()
	cmd := seedCommands(t)
	status, restart, backupNow, importBackup := cmd[0], cmd[1], cmd[2], cmd[3]
	create, update, remove, password := cmd[4], cmd[5], cmd[6], cmd[7]
	listGroups, createGroup, link, unlink := cmd[8], cmd[9], cmd[10], cmd[11]

	info, err := os.Stat(g.sock)
	if err != nil || info.Mode().Type() != os.ModeSocket || info.Mode().Perm() != 0o660 {
		t.Fatalf("socket %s: %v %v", g.sock, info, err)
	}

	var st struct {
		Reachable bool   `json:"reachable"`
		Server    string `json:"server"`
		Users     int    `json:"users"`
	}
	r := g.ok(status)
	if err := json.Unmarshal(r.Data, &st); err != nil || !st.Reachable || st.Server == "" {
		t.Fatalf("status Data = %s (%v)", r.Data, err)
	}
	if r.Version == "" {
		t.Error("status carries no Version")
	}

	if r := g.ok(restart); r.Info == "" {
		t.Errorf("restart answer: %+v", r)
	}
	g.ok(status) // the directory answers through and after the reconnect

	g.ok(create)
	u := entry(t, conn, jdupontDN, "givenName", "sn", "mail", "displayName", "gidNumber", "uidNumber", "userPassword")
	if u == nil {
		t.Fatalf("%s was not created", jdupontDN)
	}
	if u.GetAttributeValue("givenName") != "Jean" || u.GetAttributeValue("sn") != "Dupont" ||
		u.GetAttributeValue("mail") != "jean.dupont@example.com" || u.GetAttributeValue("gidNumber") != "5004" ||
		u.GetAttributeValue("uidNumber") == "" || u.GetAttributeValue("userPassword") == "S3cr3t!" {
		t.Fatalf("created entry: %v", u.Attributes)
	}
	if entry(t, conn, "dc=organizations,dc=example,dc=com") == nil {
		t.Fatal("dc=organizations was not created")
	}
	if !isMember(t, conn, defaultGroup) {
		t.Fatal("jdupont is not in the organization's default group")
	}
	if !canBind(t, g.srv.URL, jdupontDN, "S3cr3t!") {
		t.Fatal("jdupont cannot bind with the password it was created with")
	}

	g.ok(update)
	u = entry(t, conn, jdupontDN, "givenName", "sn", "mail", "title", "telephoneNumber", "mobile")
	if u.GetAttributeValue("mail") != "j.dupont@example.com" || u.GetAttributeValue("title") != "Director" ||
		u.GetAttributeValue("telephoneNumber") != "+33123456789" || len(u.GetAttributeValues("mobile")) != 0 {
		t.Fatalf("updated entry: %v", u.Attributes)
	}

	g.ok(password)
	if !canBind(t, g.srv.URL, jdupontDN, "N3wPass!") || canBind(t, g.srv.URL, jdupontDN, "S3cr3t!") {
		t.Fatal("the password change did not take")
	}

	var groups []struct {
		GID  int64  `json:"gid"`
		Name string `json:"name"`
		OU   string `json:"ou"`
	}
	r = g.ok(listGroups)
	if err := json.Unmarshal(r.Data, &groups); err != nil || len(groups) != 1 || groups[0].GID != 5004 ||
		groups[0].Name != "example.com-users" || groups[0].OU != "example.com" {
		t.Fatalf("groups = %s (%v)", r.Data, err)
	}

	var created struct {
		GID int64 `json:"gid"`
	}
	r = g.ok(createGroup)
	if err := json.Unmarshal(r.Data, &created); err != nil || created.GID != 5005 {
		t.Fatalf("created group = %s (%v)", r.Data, err)
	}
	if gid := entry(t, conn, accountants, "gidNumber"); gid == nil || gid.GetAttributeValue("gidNumber") != "5005" || !isMember(t, conn, accountants) {
		t.Fatalf("accountants: %v", gid)
	}

	g.ok(link) // already linked at creation: linking again is no error
	if !isMember(t, conn, accountants) {
		t.Fatal("link: jdupont is not in accountants")
	}
	g.ok(unlink)
	if isMember(t, conn, accountants) {
		t.Fatal("unlink: jdupont is still in accountants")
	}
	g.ok(link)
	if !isMember(t, conn, accountants) {
		t.Fatal("link: jdupont is not in accountants")
	}

	var meta struct {
		File    string `json:"file"`
		Entries int    `json:"entries"`
		Size    int64  `json:"size"`
	}
	r = g.ok(backupNow)
	if err := json.Unmarshal(r.Data, &meta); err != nil || !strings.HasPrefix(meta.File, "Save-") || meta.Entries < 8 || meta.Size <= 0 {
		t.Fatalf("backup = %s (%v)", r.Data, err)
	}
	// The seed restores Save-2026-06-17.gz: give this backup that name.
	if err := os.Rename(filepath.Join(g.backups, meta.File), filepath.Join(g.backups, "Save-2026-06-17.gz")); err != nil {
		t.Fatal(err)
	}

	g.ok(remove)
	if entry(t, conn, jdupontDN) != nil {
		t.Fatal("jdupont still exists after DELETE")
	}
	if isMember(t, conn, accountants) {
		t.Fatal("the deleted user is still a member")
	}

	g.ok(importBackup)
	waitRestored(t, g)
	u = entry(t, conn, jdupontDN, "title")
	if u == nil || u.GetAttributeValue("title") != "Director" {
		t.Fatalf("jdupont was not restored: %v", u)
	}
	if !isMember(t, conn, accountants) {
		t.Fatal("the restore did not bring back jdupont's membership")
	}
	if !canBind(t, g.srv.URL, jdupontDN, "N3wPass!") {
		t.Fatal("the restored jdupont cannot bind with its password")
	}
	for _, secret := range []string{"S3cr3t!", "N3wPass!"} {
		if strings.Contains(g.p.Output(), secret) {
			t.Fatalf("a password reached dirgate's output")
		}
	}
}

// waitRestored polls /openldap/backup/instant until the restore is done.
func waitRestored(t *testing.T, g *gateway) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		r := g.unix("GET", "/openldap/backup/instant", "")
		var inst struct {
			LastRestore *struct {
				Status string `json:"status"`
				Error  string `json:"error"`
			} `json:"lastRestore"`
		}
		if err := json.Unmarshal(r.Data, &inst); err != nil {
			t.Fatal(err)
		}
		if inst.LastRestore != nil && inst.LastRestore.Status != "running" {
			if inst.LastRestore.Status != "done" {
				t.Fatalf("restore %s: %s", inst.LastRestore.Status, inst.LastRestore.Error)
			}
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("the restore did not finish")
}
