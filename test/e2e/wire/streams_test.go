package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestQuickStartSecretsStayOffStdout: stdout is the audit stream (audit.file
// empty), shipped like a log; the quick start's secrets are shown on the
// terminal (stderr) and kept in the 0600 credentials file, never there.
func TestQuickStartSecretsStayOffStdout(t *testing.T) {
	q := startQuick(t)
	secrets := map[string]string{"admin password": q.adminPassword, "adweb secret": q.adwebSecret, "kanboard token": q.kanboardToken}
	// Something for the audit stream to say.
	token := q.openAPIToken(t)
	if r := q.openAPI("create", http.MethodPost, "/users", `{"userName":"audited","displayName":"A","password":"Audited-pass-1"}`, token).do(t); r.status != http.StatusCreated {
		t.Fatalf("create: HTTP %d %s", r.status, r.body)
	}
	waitFor(t, func() bool { return strings.Contains(q.p.Stdout(), `"user.create"`) }, "the audit line of user.create on stdout")

	stdout := q.p.Stdout()
	for what, s := range secrets {
		if strings.Contains(stdout, s) {
			t.Errorf("the %s is on stdout, the audit stream", what)
		}
	}
	if !strings.Contains(q.p.Stderr(), q.adminPassword) {
		t.Error("the admin password was not shown on stderr, the terminal")
	}
	// stdout holds audit events and nothing else.
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var ev map[string]any
		if err := json.Unmarshal([]byte(line), &ev); err != nil || ev["operation"] == nil || ev["outcome"] == nil {
			t.Errorf("stdout line is not an audit event: %.200q", line)
		}
	}
	fi, err := os.Stat(filepath.Join(q.p.DataDir, "initial-credentials.json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("initial-credentials.json: %v %v, want mode 0600", fi, err)
	}
}

// TestArticaSocketIsOwnerOnlyByDefault: the socket's permissions are
// Artica's access control; without a mode only dirgate's user may connect,
// in the quick start and in a configuration that names no mode. A mode
// that is given is used as it is.
func TestArticaSocketIsOwnerOnlyByDefault(t *testing.T) {
	q := startQuick(t)
	wantSocket(t, "quick start", q.socket, 0o600)

	dir := t.TempDir()
	plain, shared := filepath.Join(dir, "plain.sock"), filepath.Join(dir, "shared.sock")
	cfg := `domains:
  - name: example.com
    backend: {type: embedded}
dialects:
  artica:
    listeners:
      - unix: ` + plain + `
  kanboard:
    listeners:
      - unix: ` + shared + `
        mode: "0660"
`
	p := e2eutil.Start(t, e2eutil.Options{Config: cfg})
	wantSocket(t, "configured without a mode", plain, 0o600)
	wantSocket(t, "configured 0660", shared, 0o660)
	p.Stop()
}

func wantSocket(t *testing.T, what, path string, mode os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	st, _ := fi.Sys().(*syscall.Stat_t)
	if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != mode || st == nil || int(st.Uid) != os.Getuid() {
		t.Errorf("%s: socket %s is %v, want a %v socket owned by uid %d", what, path, fi.Mode(), mode, os.Getuid())
	}
}

// TestOneDialectKeyPerLogLine: the server names the dialect in the logger
// it hands each dialect; a dialect naming itself again wrote "dialect"
// twice on every line. Every JSON line of the log is checked for repeated
// keys, after requests that make adweb, Kanboard and Artica write their
// own lines (privacyIDEA's and OpenAPI's loggers speak only when the
// directory fails).
func TestOneDialectKeyPerLogLine(t *testing.T) {
	q := startQuick(t)
	q.adweb("wrong key", "getdn?samAccountName=x&FQDN=example.com", "", false).do(t)
	q.kanboard("batch", `[{"jsonrpc":"2.0","method":"getAllUsers","id":1}]`, true).do(t)
	bad := q.kanboard("wrong token", `{"jsonrpc":"2.0","method":"getAllUsers","id":1}`, false)
	bad.headers["Authorization"] = "Basic am9uOndyb25n" // jon:wrong
	bad.do(t)
	q.artica("restart", http.MethodGet, "/openldap/restart", "").do(t)
	q.privacyIDEA("auth", http.MethodPost, "/auth", `{"username":"nobody","password":"x"}`, "").do(t)
	q.openAPI("login", http.MethodPost, "/login", `{"username":"nobody","password":"x"}`, "").do(t)

	own := map[string]string{
		"adweb":    `"msg":"request refused"`,
		"kanboard": `"msg":"kanboard: API authentication failure"`,
		"artica":   `"msg":"artica restart: reconnected to the directory"`,
	}
	waitFor(t, func() bool { return strings.Contains(q.p.Stderr(), own["artica"]) }, "Artica's restart line")
	seen := map[string]bool{}
	lines := 0
	for _, line := range strings.Split(q.p.Stderr(), "\n") {
		if !strings.HasPrefix(line, "{") {
			continue // the quick start's banner
		}
		lines++
		dup, err := repeatedKey([]byte(line))
		if err != nil {
			t.Errorf("log line is not JSON (%v): %.200s", err, line)
			continue
		}
		if dup != "" {
			t.Errorf("key %q twice in: %.300s", dup, line)
		}
		for name, msg := range own {
			if strings.Contains(line, msg) && strings.Contains(line, `"dialect":"`+name+`"`) {
				seen[name] = true
			}
		}
	}
	for name := range own {
		if !seen[name] {
			t.Errorf("no line of %s's own logger with its dialect key: the test did not make it speak", name)
		}
	}
	t.Logf("%d log lines checked", lines)
}

// repeatedKey returns a key that appears twice in one object of a JSON
// document ("" when none).
func repeatedKey(doc []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	type frame struct {
		object bool
		keys   map[string]bool
		key    bool // the next string token is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch v := tok.(type) {
		case json.Delim:
			switch v {
			case '{':
				stack = append(stack, &frame{object: true, keys: map[string]bool{}, key: true})
				continue
			case '[':
				stack = append(stack, &frame{})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.object && top.key {
				if top.keys[v] {
					return v, nil
				}
				top.keys[v] = true
				top.key = false
				continue
			}
		}
		// A value ended: in an object, a key comes next.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].key = true
		}
	}
}

// waitFor polls cond for a few seconds: output is written as the process
// gets to it.
func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}
