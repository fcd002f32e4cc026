package authmatrix_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dirgate/dirgate/adapters/adweb"
	"github.com/dirgate/dirgate/adapters/kanboard"
	"github.com/dirgate/dirgate/internal/server"
	"github.com/dirgate/dirgate/test/e2e/hostile"
)

// allCreds are tried on every endpoint that takes credentials; a dialect
// without a kind (no tokens, no read-only keys) skips it, and read-only
// and another user's credentials only apply to writes and admin
// endpoints.
var allCreds = []cred{credNone, credWrong, credForged, credExpired, credOther, credReadOnly}

// dispatchers are the catch-all routes behind which a dialect dispatches
// by itself, and the names it dispatches to.
func dispatchers() map[string][]string {
	var names []string
	for _, ep := range adweb.Endpoints() {
		names = append(names, "/restapi/"+ep.Name)
	}
	var procs []string
	for _, path := range []string{"/jsonrpc.php", "/jsonrpc"} {
		for _, p := range kanboard.Procedures() {
			procs = append(procs, path+" "+p)
		}
	}
	return map[string][]string{"/restapi": names, "/restapi/*": names, "/jsonrpc.php": procs, "/jsonrpc": procs}
}

func TestAuthMatrix(t *testing.T) {
	s := hostile.Start(t)
	e := newEnv(t, s)
	routes := routerRoutes(t, s)
	eps, fbs := e.matrix()

	t.Run("every route has an entry", func(t *testing.T) { checkCoverage(t, e, routes, eps, fbs) })

	before := s.Snapshot(t)
	schemes := map[string]scheme{
		"artica": e.articaTCP(), "adweb": e.adweb(), "privacyidea": e.privacyIDEA(),
		"kanboard": e.kanboard(), "openapi": e.openAPI(), "scim": e.scim(), "console": e.consoleScheme(),
	}
	probes := 0
	t.Run("credentials", func(t *testing.T) {
		for _, ep := range eps {
			if ep.build == nil {
				continue // the socket: its file mode is checked below
			}
			for _, c := range allCreds {
				if ep.public != "" && c != credNone || c == credReadOnly && !ep.write || c == credOther && !ep.admin {
					continue
				}
				req := ep.build(t)
				if sc, ok := schemes[ep.dialect]; ok && !sc.apply(req, c) {
					continue
				}
				r := s.Do(t, false, req)
				probes++
				switch check, ok := ep.allowed[c]; {
				case ok:
					check(t, r)
				case ep.public != "":
					if r.Status >= 500 {
						t.Errorf("%s: HTTP %d %s", ep, r.Status, r.Body)
					}
				default:
					schemes[ep.dialect].refused(t, ep, c, r)
				}
			}
		}
	})
	t.Run("other methods", func(t *testing.T) { probes += checkOtherMethods(t, e, routes, fbs, schemes) })
	t.Run("artica socket", func(t *testing.T) {
		fi, err := os.Stat(s.Socket)
		if err != nil {
			t.Fatal(err)
		}
		st, _ := fi.Sys().(*syscall.Stat_t)
		if fi.Mode().Type() != os.ModeSocket || fi.Mode().Perm() != 0o600 || st == nil || int(st.Uid) != os.Getuid() {
			t.Errorf("the Artica socket is %v owned by %v, want a 0600 socket owned by dirgate's user %d", fi.Mode(), st, os.Getuid())
		}
	})
	t.Logf("%d endpoints and %d fallbacks, %d requests", len(eps), len(fbs), probes)

	// Every probe was refused (or, by design, changed nothing): the
	// directory is as it was.
	if diff := before.Diff(s.Snapshot(t), nil); len(diff) > 0 {
		t.Errorf("the matrix changed the directory:\n%s", strings.Join(diff, "\n"))
	}
	s.CheckNoPanic(t)
	s.CheckLeaks(t)
}

// listenerOf names the stack's listener a route is on.
func listenerOf(s *hostile.Stack, r server.Route) string {
	switch {
	case r.Network == "unix":
		return onArticaUnix
	case r.Address == s.ArticaTCP:
		return onArticaTCP
	}
	return onMain
}

// checkCoverage: every route of the router, and every name a dialect
// dispatches by itself, has a matrix entry or a fallback; and every entry
// names something that exists.
func checkCoverage(t *testing.T, e *env, routes []server.Route, eps []*endpoint, fbs []*fallback) {
	entry := map[string]bool{}
	for _, ep := range eps {
		entry[ep.on+" "+ep.method+" "+ep.path] = true
	}
	fallbackFor := map[string]bool{}
	for _, f := range fbs {
		fallbackFor[f.on+" "+f.path] = true
	}
	disp := dispatchers()
	inRouter := map[string]bool{}
	reported := map[string]bool{}
	for _, r := range routes {
		on := listenerOf(e.s, r)
		key := on + " " + r.Method + " " + r.Path
		inRouter[key] = true
		if names, ok := disp[r.Path]; ok {
			for _, n := range names {
				if !reported[n] && !slices.ContainsFunc(eps, func(ep *endpoint) bool { return ep.on == on && ep.path == n }) {
					reported[n] = true
					t.Errorf("%s (behind %s) has no auth-matrix entry: add one to test/e2e/authmatrix", n, r.Path)
				}
			}
			continue
		}
		if !entry[key] && !fallbackFor[on+" "+r.Path] {
			t.Errorf("route %s %s on %s (dialect %s) has no auth-matrix entry: add one to test/e2e/authmatrix", r.Method, r.Path, on, r.Dialect)
		}
	}
	for _, ep := range eps {
		if _, dispatched := dispatchedPath(ep.path); dispatched {
			continue
		}
		if !inRouter[ep.on+" "+ep.method+" "+ep.path] {
			t.Errorf("matrix entry %s names no route of the server", ep)
		}
	}
	for _, f := range fbs {
		if !slices.ContainsFunc(routes, func(r server.Route) bool { return listenerOf(e.s, r) == f.on && r.Path == f.path }) {
			t.Errorf("matrix fallback %s %s names no route of the server", f.on, f.path)
		}
	}
}

// dispatchedPath reports whether a matrix path is a self-dispatched name.
func dispatchedPath(p string) (string, bool) {
	for root, names := range dispatchers() {
		if slices.Contains(names, p) {
			return root, true
		}
	}
	return "", false
}

// checkOtherMethods sends, without credentials, every method the router
// has for a path beyond the ones the matrix probes: fallbacks must answer
// in the envelope, dispatchers must ask for credentials first.
func checkOtherMethods(t *testing.T, e *env, routes []server.Route, fbs []*fallback, schemes map[string]scheme) int {
	probed := map[string]bool{}
	n := 0
	for _, r := range routes {
		on := listenerOf(e.s, r)
		if on == onArticaUnix && r.Path != "/ping" && r.Path != "/openldap/*" {
			continue // the socket's served routes are not probed: no credentials apply
		}
		method := r.Method
		if method == "echo_route_not_found" {
			method = http.MethodGet
		}
		key := on + " " + method + " " + r.Path
		if probed[key] {
			continue
		}
		probed[key] = true
		var f *fallback
		for _, fb := range fbs {
			if fb.on == on && fb.path == r.Path {
				f = fb
			}
		}
		switch {
		case f != nil && !servedByEntry(e, on, method, r.Path):
			reply := e.send(t, on, method, f.concrete, "")
			f.check(t, method, reply)
			n++
		case r.Path == "/restapi" || r.Path == "/restapi/*" || r.Path == "/jsonrpc.php" || r.Path == "/jsonrpc":
			// A well-formed call: Kanboard answers a body it cannot parse
			// before it looks at credentials, as Kanboard does.
			concrete, body := r.Path, `{"jsonrpc":"2.0","method":"getAllUsers","id":1}`
			if strings.HasPrefix(concrete, "/restapi") {
				concrete, body = "/restapi/getusers", ""
			}
			reply := e.send(t, on, method, concrete, body)
			ep := &endpoint{on: on, method: method, path: r.Path}
			if method == http.MethodHead {
				if reply.Status != http.StatusUnauthorized {
					t.Errorf("%s without credentials: HTTP %d, want 401", ep, reply.Status)
				}
			} else {
				schemes[r.Dialect].refused(t, ep, credNone, reply)
			}
			n++
		}
	}
	return n
}

// servedByEntry: the matrix probes this method of the path itself.
func servedByEntry(e *env, on, method, path string) bool {
	eps, _ := e.matrix()
	return slices.ContainsFunc(eps, func(ep *endpoint) bool { return ep.on == on && ep.method == method && ep.path == path })
}

// send makes a request without credentials with any method, CONNECT
// included (Go's client cannot send CONNECT with a path, so it goes raw).
func (e *env) send(t *testing.T, on, method, path, body string) hostile.Reply {
	t.Helper()
	base := e.s.URL
	switch on {
	case onArticaTCP:
		base = "http://" + e.s.ArticaTCP
	case onArticaUnix:
		base = "http://localhost"
	}
	if method != http.MethodConnect {
		return e.s.Do(t, on == onArticaUnix, e.req(t, method, base+path, body))
	}
	network, addr := "tcp", strings.TrimPrefix(base, "http://")
	if on == onArticaUnix {
		network, addr = "unix", e.s.Socket
	}
	conn, err := net.DialTimeout(network, addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	fmt.Fprintf(conn, "CONNECT %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", path, len(body), body)
	resp, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: http.MethodConnect})
	if err != nil {
		t.Fatalf("CONNECT %s: %v", path, err)
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	e.s.Leaks.Body("CONNECT "+path, answer)
	return hostile.Reply{Status: resp.StatusCode, Header: resp.Header, Body: answer}
}
