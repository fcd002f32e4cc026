package artica

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/dialect"
)

func TestStatusRestartInstall(t *testing.T) {
	h := newHarness(t, nil)
	h.ok("POST", "/openldap/members", seedCreate)
	var s status
	h.data(h.ok("GET", "/openldap/status", ""), &s)
	if !s.Reachable || s.Backend == "" || s.Users != 1 || s.Groups != 1 || len(s.Organizations) != 1 || s.LatencyMS < 0 {
		t.Fatalf("status = %+v", s)
	}
	a := h.ok("GET", "/openldap/restart", "")
	if a.Info == "" {
		t.Errorf("restart answer = %s", a.Raw)
	}
	// Close waits for the background reconnect: nothing outlives the dialect.
	if err := h.d.Close(); err != nil {
		t.Fatal(err)
	}
	h.refused("GET", "/openldap/restart", "", "shutting down")
	if !strings.Contains(h.audit.String(), `"operation":"directory.reconnect"`) {
		t.Fatalf("the reconnect did not reach the core:\n%s", h.audit.String())
	}
}

// TestPingOtherMethods: a method /ping does not serve is answered in the
// envelope like any unknown endpoint (found by FuzzServe: echo answered a
// bare 405 {"message":...}).
func TestPingOtherMethods(t *testing.T) {
	h := newHarness(t, nil)
	for _, method := range []string{http.MethodPost, http.MethodPatch, http.MethodDelete, "TRACE"} {
		h.refused(method, "/ping", "", "unknown endpoint "+method+" /ping")
	}
	h.ok("GET", "/ping", "")
}

func TestTCPListenerNeedsKeyAndAllowedAddress(t *testing.T) {
	h := newHarness(t, nil)
	tcp := func(method, path, body string, edit func(*http.Request)) answer {
		t.Helper()
		return h.send(h.tcp, method, path, body, edit)
	}
	key := func(header, value string) func(*http.Request) {
		return func(r *http.Request) { r.Header.Set(header, value) }
	}
	const authFailedBody = "{\n  \"Status\": false,\n  \"Error\": \"Authentication failed\",\n  \"Info\": \"\"\n}\n"
	for name, edit := range map[string]func(*http.Request){
		"no key":         nil,
		"wrong key":      key("X-Auth-Token", "read-write-key-000002"),
		"the key's hash": key("X-API-Key", HashKey("read-write-key-000001")),
		"outside the list": func(r *http.Request) {
			r.RemoteAddr = "127.0.0.2:41000"
			r.Header.Set("X-Auth-Token", "read-write-key-000001")
		},
		"spoofed forwarder": func(r *http.Request) {
			r.RemoteAddr = "192.0.2.1:1"
			r.Header.Set("X-Forwarded-For", "127.0.0.1")
			r.Header.Set("X-API-Key", "read-write-key-000001")
		},
	} {
		for _, path := range []string{"/ping", "/openldap/status", "/openldap/unknown"} {
			a := tcp("GET", path, "", edit)
			checkFailure(t, a, http.StatusForbidden, "Authentication failed")
			if a.Raw != authFailedBody {
				t.Errorf("%s %s: body %q", name, path, a.Raw)
			}
		}
	}
	a := tcp("POST", "/openldap/members", seedCreate, key("X-Auth-Token", "read-write-key-000001"))
	if !a.Status {
		t.Fatalf("create with X-Auth-Token: %s", a.Raw)
	}
	if !strings.Contains(h.audit.String(), `"caller":"apikey:rw"`) {
		t.Errorf("audit does not name the key:\n%s", h.audit.String())
	}
	if a := tcp("GET", "/openldap/members/jdupont", "", key("X-API-Key", "read-write-key-000001")); !a.Status {
		t.Fatalf("read with X-API-Key: %s", a.Raw)
	}
	ro := key("X-API-Key", "read-only-key-0000002")
	if a := tcp("GET", "/openldap/members/jdupont", "", ro); !a.Status {
		t.Fatalf("read with the read-only key: %s", a.Raw)
	}
	checkFailure(t, tcp("DELETE", "/openldap/members/jdupont", "", ro), http.StatusOK, "permission denied")
	checkFailure(t, tcp("GET", "/openldap/restart", "", ro), http.StatusOK, "permission denied")
	checkFailure(t, tcp("GET", "/openldap/backup/import/Save-2026-06-17.gz", "", ro), http.StatusOK, "permission denied")
	// A read-write key without restore: true may not restore the domain.
	checkFailure(t, tcp("GET", "/openldap/backup/import/Save-2026-06-17.gz", "", key("X-API-Key", "read-write-key-000001")),
		http.StatusOK, "permission denied: restoring a backup needs the restore right")
	if h.user("jdupont") == nil {
		t.Fatal("the read-only key deleted a member")
	}
	// The unix socket needs no key.
	h.ok("GET", "/openldap/members/jdupont", "")
}

func TestBackupRestore(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(c *Config) { c.Backup.Dir = dir })
	h.refused("GET", "/openldap/backup/instant", "", "no backup has been taken yet")
	h.ok("POST", "/openldap/members", seedCreate)
	h.ok("POST", "/openldap/groups", seedGroup)

	var meta backupMeta
	a := h.ok("GET", "/openldap/backup/now", "")
	h.data(a, &meta)
	today := "Save-" + time.Now().Format("2006-01-02") + ".gz"
	if meta.File != today || meta.Entries < 8 || meta.Size <= 0 || time.Since(meta.Time) > time.Minute {
		t.Fatalf("backup meta = %+v", meta)
	}
	info, err := os.Stat(filepath.Join(dir, today))
	if err != nil || info.Size() != meta.Size || info.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", info, err)
	}
	var inst instant
	h.data(h.ok("GET", "/openldap/backup/instant", ""), &inst)
	if inst.backupMeta != meta || inst.LastRestore != nil {
		t.Fatalf("instant = %+v, want %+v", inst, meta)
	}

	// The seed restores Save-2026-06-17.gz: the same backup under that name.
	if err := os.Rename(filepath.Join(dir, today), filepath.Join(dir, "Save-2026-06-17.gz")); err != nil {
		t.Fatal(err)
	}
	h.ok("DELETE", "/openldap/members/jdupont", "")
	if h.user("jdupont") != nil {
		t.Fatal("jdupont not deleted")
	}
	h.ok("GET", "/openldap/backup/import/Save-2026-06-17.gz", "")
	waitRestore(t, h)
	u := h.user("jdupont")
	if u == nil || u.GivenName != "Jean" {
		t.Fatalf("jdupont not restored: %+v", u)
	}
	h.data(h.ok("GET", "/openldap/backup/instant", ""), &inst)
	if inst.LastRestore == nil || inst.LastRestore.Status != "done" || inst.LastRestore.File != "Save-2026-06-17.gz" ||
		inst.LastRestore.Entries == 0 || inst.LastRestore.Added != 1 || inst.LastRestore.Entries != inst.LastRestore.Added+inst.LastRestore.Replaced {
		t.Fatalf("last restore = %+v", inst.LastRestore)
	}
}

// waitRestore waits for the background restore by closing the dialect,
// which waits for its background work.
func waitRestore(t *testing.T, h *harness) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if s := h.d.backups.restoreState(); s != nil && s.Status != "running" {
			if s.Status != "done" {
				t.Fatalf("restore %s: %s", s.Status, s.Error)
			}
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the restore did not finish")
}

func TestBackupImportRefusesPathsAndBadFiles(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(c *Config) { c.Backup.Dir = dir })
	h.ok("GET", "/openldap/backup/now", "")
	outside := filepath.Join(t.TempDir(), "outside.ldif")
	if err := os.WriteFile(outside, []byte("dn: dc=example,dc=com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link.ldif")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "broken.gz"), []byte{0x1f, 0x8b, 0, 1, 2}, 0o600); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/openldap/backup/import/..%2F..%2Fetc%2Fpasswd": "bare name",
		"/openldap/backup/import/..":                     "..",
		"/openldap/backup/import/%2Fetc%2Fpasswd":        "bare name",
		"/openldap/backup/import/.last-backup.json":      "must not start with a dot",
		"/openldap/backup/import/a%00b":                  "control characters",
		"/openldap/backup/import/Save-1999-01-01.gz":     "backup file Save-1999-01-01.gz not found",
		"/openldap/backup/import/link.ldif":              "not found",
	} {
		h.refused("GET", path, "", want)
	}
	h.ok("GET", "/openldap/backup/import/broken.gz", "")
	deadline := time.Now().Add(10 * time.Second)
	for {
		s := h.d.backups.restoreState()
		if s != nil && s.Status == "failed" {
			if s.Error != errCorruptBackup.Error() {
				t.Fatalf("restore error = %q", s.Error)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("restore of a broken file: %+v", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestSchedule(t *testing.T) {
	h := newHarness(t, nil)
	var info scheduleInfo
	a := h.ok("GET", "/openldap/set/schedule", "")
	h.data(a, &info)
	if info.Enabled || a.Info != "no backup schedule is configured" {
		t.Fatalf("schedule without configuration: %s", a.Raw)
	}

	h = newHarness(t, func(c *Config) { c.Backup.Interval = time.Hour })
	h.data(h.ok("GET", "/openldap/set/schedule", ""), &info)
	if !info.Enabled || info.Interval != "1h0m0s" || time.Until(info.Next) < 59*time.Minute || time.Until(info.Next) > time.Hour {
		t.Fatalf("schedule = %+v", info)
	}
	// Close stops the scheduler goroutine and waits for it.
	done := make(chan struct{})
	go func() { _ = h.d.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop the schedule")
	}
	h.refused("GET", "/openldap/set/schedule", "", "shutting down")
}

func TestScheduledBackupRuns(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(c *Config) { c.Backup.Dir = dir; c.Backup.Interval = time.Hour })
	// Run the loop with a due time in the past: one backup, then wait.
	h.d.background(func(ctx context.Context) { h.d.schedule.run(ctx, h.d, time.Now()) })
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := h.d.backups.last(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduled backup did not run")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBootstrapNamesTheSocket(t *testing.T) {
	section, err := DefaultConfig().Bootstrap(&dialect.Bootstrap{Listeners: []dialect.Listener{
		{Network: "tcp", Address: "127.0.0.1:1"}, {Network: "unix", Address: "data/articarest.sock"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want, _ := filepath.Abs("data/articarest.sock")
	if s, ok := section.(bootstrapSection); !ok || s.Socket != want {
		t.Fatalf("bootstrap section = %#v", section)
	}
}

func TestBackupKeepAndPlainLDIFRestore(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(c *Config) { c.Backup.Dir = dir; c.Backup.Keep = 1 })
	old := filepath.Join(dir, "Save-2020-01-01.gz")
	if err := os.WriteFile(old, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.ok("POST", "/openldap/members", seedCreate)
	var meta backupMeta
	h.data(h.ok("GET", "/openldap/backup/now", ""), &meta)
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Fatalf("keep=1 left the older backup: %v", err)
	}
	// A plain LDIF (what `dirgate export` writes) restores too: gzip is
	// recognised by content, not by name.
	f, err := os.Open(filepath.Join(dir, meta.File))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(gz)
	if err != nil || !strings.Contains(string(plain), "uid=jdupont,") {
		t.Fatalf("backup content: %v\n%s", err, plain)
	}
	if strings.Contains(string(plain), "S3cr3t!") {
		t.Fatal("the backup holds the password in clear")
	}
	if err := os.WriteFile(filepath.Join(dir, "export.ldif"), plain, 0o600); err != nil {
		t.Fatal(err)
	}
	h.ok("DELETE", "/openldap/members/jdupont", "")
	h.ok("GET", "/openldap/backup/import/export.ldif", "")
	waitRestore(t, h)
	if h.user("jdupont") == nil {
		t.Fatal("jdupont was not restored from the plain LDIF")
	}
}
