package artica

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// tcpKey is the API key the TCP listener accepts.
const tcpKey = "e2e-artica-key-0123456789"

// seedSocket is the socket path in the seed's examples.
const seedSocket = "/usr/share/artica-postfix/bin/run/articarest.sock"

// gateway is a dirgate serving the Artica dialect on a unix socket and a
// TCP listener, over a private slapd.
type gateway struct {
	t       *testing.T
	p       *e2eutil.Process
	srv     *slapd.Server
	sock    string
	tcp     string
	backups string
	// cfg is dirgate's configuration.
	cfg string
}

// startGateway starts slapd and dirgate. The domain's gid range starts at
// 5004: the organization's default group takes 5004 and the seed's
// "accountants" group 5005, the gid the seed's link examples use.
func startGateway(t *testing.T, model slapd.GroupModel) *gateway {
	t.Helper()
	g := newGateway(t, model, nil)
	g.p = e2eutil.Start(t, e2eutil.Options{Config: g.cfg})
	return g
}

// newGateway starts slapd and writes dirgate's configuration, edited by
// edit (nil: as is), without starting dirgate.
func newGateway(t *testing.T, model slapd.GroupModel, edit func(artica map[string]any)) *gateway {
	t.Helper()
	srv, backend := e2eutil.LDAP(t, slapd.Options{Groups: model})
	dir := t.TempDir()
	g := &gateway{
		t: t, srv: srv,
		sock:    filepath.Join(dir, "articarest.sock"),
		tcp:     e2eutil.FreeAddr(t),
		backups: filepath.Join(dir, "backups"),
	}
	sum := sha256.Sum256([]byte(tcpKey))
	artica := map[string]any{
		"allowFrom": []string{"127.0.0.1/32"},
		"apiKeys":   []any{map[string]any{"name": "e2e", "hash": "sha256:" + hex.EncodeToString(sum[:])}},
		"backup":    map[string]any{"dir": g.backups},
	}
	if edit != nil {
		edit(artica)
	}
	doc := map[string]any{
		"domains": []any{map[string]any{
			"name":     "example.com",
			"baseDN":   srv.Suffix,
			"gidRange": map[string]any{"min": 5004, "max": 5999},
			"backend":  backend,
		}},
		"dialects": map[string]any{"artica": map[string]any{
			"enabled": true,
			"listeners": []any{
				map[string]any{"unix": g.sock, "mode": "0660"},
				map[string]any{"tcp": g.tcp},
			},
			"config": artica,
		}},
	}
	cfg, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	g.cfg = string(cfg)
	return g
}

// reply is a decoded Artica envelope.
type reply struct {
	Status  bool            `json:"Status"`
	Info    string          `json:"Info"`
	Error   string          `json:"Error"`
	Version string          `json:"Version"`
	Data    json.RawMessage `json:"Data"`
}

// curl runs one of the seed's curl commands with bash, only the socket
// path substituted (and $SOCK set), and decodes its output.
func (g *gateway) curl(command string) reply {
	g.t.Helper()
	ctx, cancel := context.WithTimeout(g.t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", "set -o pipefail; "+strings.ReplaceAll(command, seedSocket, g.sock))
	cmd.Env = append(os.Environ(), "SOCK="+g.sock)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		g.t.Fatalf("%s: %v\n%s%s", command, err, out, stderr.String())
	}
	var r reply
	if err := json.Unmarshal(out, &r); err != nil {
		g.t.Fatalf("%s: not JSON: %v\n%s", command, err, out)
	}
	return r
}

// ok runs a seed command and requires Status true.
func (g *gateway) ok(command string) reply {
	g.t.Helper()
	r := g.curl(command)
	if !r.Status || r.Error != "" {
		g.t.Fatalf("%s:\nwant Status true, got %+v", command, r)
	}
	return r
}

// unix sends a request over the socket with Go's client.
func (g *gateway) unix(method, path, body string) reply {
	g.t.Helper()
	return g.do(e2eutil.UnixClient(g.sock), method, "http://localhost"+path, body, nil, http.StatusOK)
}

func (g *gateway) do(client *http.Client, method, url, body string, header http.Header, wantCode int) reply {
	g.t.Helper()
	req, err := http.NewRequestWithContext(g.t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := client.Do(req)
	if err != nil {
		g.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		g.t.Fatal(err)
	}
	if resp.StatusCode != wantCode || resp.Header.Get("Content-Type") != "application/json;charset=UTF-8" {
		g.t.Fatalf("%s %s: HTTP %d %q, want %d:\n%s", method, url, resp.StatusCode, resp.Header.Get("Content-Type"), wantCode, buf.String())
	}
	var r reply
	if err := json.Unmarshal(buf.Bytes(), &r); err != nil {
		g.t.Fatalf("%s %s: not JSON: %s", method, url, buf.String())
	}
	return r
}

// tcpClient dials the TCP listener from a chosen loopback address.
func tcpClient(from string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext}, Timeout: 10 * time.Second}
}

// ldapConn binds to slapd as its administrator, to check what dirgate
// wrote.
func (g *gateway) ldapConn() *ldap.Conn {
	g.t.Helper()
	conn, err := ldap.DialURL(g.srv.URL)
	if err != nil {
		g.t.Fatal(err)
	}
	g.t.Cleanup(func() { conn.Close() })
	if err := conn.Bind(g.srv.BindDN, g.srv.BindPassword); err != nil {
		g.t.Fatal(err)
	}
	return conn
}

// entry reads one entry (nil when it does not exist).
func entry(t *testing.T, conn *ldap.Conn, dn string, attrs ...string) *ldap.Entry {
	t.Helper()
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

// canBind reports whether dn binds with password.
func canBind(t *testing.T, url, dn, password string) bool {
	t.Helper()
	conn, err := ldap.DialURL(url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return conn.Bind(dn, password) == nil
}
