package serve

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// exitWithin is the Done-when bound for exiting after SIGTERM.
const exitWithin = 5 * time.Second

// TestSIGTERMWithRequestsInFlight sends requests whose bodies are still
// arriving, sends SIGTERM, then the rest of the bodies: each request must
// be answered in full, no new connection accepted, and the process must
// exit 0 within 5 s of the signal. (A request whose headers have not all
// arrived is not in flight yet: net/http drops it once shutdown began.)
func TestSIGTERMWithRequestsInFlight(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	creds := p.Credentials()

	type inflight struct {
		name        string
		first, rest string
		want        string
	}
	var reqs []inflight
	// slowBody is a POST whose body stops after 10 bytes, on a route that
	// reads the whole body before answering.
	slowBody := func(name, path, auth, body, want string) inflight {
		return inflight{
			name: name,
			first: fmt.Sprintf("POST %s HTTP/1.1\r\nHost: dirgate\r\n%sContent-Type: application/json\r\n"+
				"Content-Length: %d\r\nConnection: close\r\n\r\n%s", path, auth, len(body), body[:10]),
			rest: body[10:],
			want: want,
		}
	}
	if kb, ok := creds["kanboard"].(map[string]any); ok {
		basic := base64.StdEncoding.EncodeToString([]byte("jsonrpc:" + kb["token"].(string)))
		reqs = append(reqs, slowBody("kanboard getAllUsers", "/jsonrpc.php", "Authorization: Basic "+basic+"\r\n",
			`{"jsonrpc":"2.0","method":"getAllUsers","id":7}`, `"id":7`))
	}
	if slices.Contains(enabledDialects(t, p.DataDir), "openapi") {
		password := creds["admin"].(map[string]any)["password"].(string)
		login, _ := json.Marshal(map[string]string{"username": "admin", "password": password})
		reqs = append(reqs, slowBody("openapi login", "/api/login", "", string(login), `"token"`))
	}
	if len(reqs) == 0 {
		t.Skip("no dialect in this build reads a request body (kanboard, openapi)")
	}

	conns := make([]net.Conn, len(reqs))
	for i, r := range reqs {
		c, err := net.Dial("tcp", p.Listen)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if _, err := io.WriteString(c, r.first); err != nil {
			t.Fatal(err)
		}
		conns[i] = c
	}
	time.Sleep(200 * time.Millisecond) // the server is now reading them
	signalled := time.Now()
	p.Signal(syscall.SIGTERM)
	time.Sleep(300 * time.Millisecond) // shutdown has begun

	if c, err := net.DialTimeout("tcp", p.Listen, 200*time.Millisecond); err == nil {
		c.Close()
		t.Error("dirgate still accepts connections after SIGTERM")
	}
	for i, r := range reqs {
		c := conns[i]
		_ = c.SetDeadline(time.Now().Add(exitWithin))
		if _, err := io.WriteString(c, r.rest); err != nil {
			t.Errorf("%s: finish sending: %v", r.name, err)
			continue
		}
		reply, err := io.ReadAll(c)
		if err != nil {
			t.Errorf("%s: read answer: %v", r.name, err)
		}
		if !strings.HasPrefix(string(reply), "HTTP/1.1 200") || !strings.Contains(string(reply), r.want) {
			t.Errorf("%s: answered %q", r.name, reply)
		}
	}
	code := p.Wait(exitWithin + time.Second)
	if took := time.Since(signalled); took > exitWithin {
		t.Errorf("exited %s after SIGTERM, want within %s", took, exitWithin)
	}
	if code != 0 {
		t.Errorf("exit code %d after SIGTERM, want 0", code)
	}
}

func TestSIGINTStopsCleanly(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	p.Signal(syscall.SIGINT)
	if code := p.Wait(exitWithin); code != 0 {
		t.Errorf("exit code %d after SIGINT", code)
	}
}
