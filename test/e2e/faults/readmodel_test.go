package faults

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestReadModelThroughAnOutage runs the binary with readModel on and
// checks its promises from outside: a user created through Kanboard is
// read back by the next request; a user added straight to slapd is
// served within 1 s; with slapd killed /readyz turns 503 within 1.5 s;
// after slapd returns dirgate is ready again within 2 s without a
// restart, still serves every user from before, and sees changes made
// after; and the reads were answered by the model (its metric).
func TestReadModelThroughAnOutage(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: containersLDIF})
	tok := token()
	p := e2eutil.Start(t, e2eutil.Options{Config: ldapConfigWith(t, srv, []string{srv.URL}, tok,
		map[string]any{"readModel": "on", "readModelMaxLag": "500ms"}, nil)})
	k := newKanboard(p.URL, tok, true)
	ctx := t.Context()

	var created []string
	for i := range 20 {
		name := "rm-" + random(6)
		if r := k.createUser(ctx, name); r.outcome != acked {
			t.Fatalf("createUser %d: %s %s", i, r.outcome, r.detail)
		}
		if id, err := k.userID(ctx, name); err != nil || id == 0 {
			t.Fatalf("getUserByName right after createUser(%s): %d %v", name, id, err)
		}
		created = append(created, name)
	}
	addDirectly(t, srv, "rm-direct1", 1*time.Second, k)

	killed := time.Now()
	srv.Kill()
	if unready := awaitUnready(t, p, killed, 1500*time.Millisecond); unready >= 1500*time.Millisecond {
		t.Fatalf("/readyz still 200 1.5 s after slapd was killed")
	}
	wait(ctx, time.Second)
	if err := srv.Start(); err != nil {
		t.Fatalf("restarting slapd: %v", err)
	}
	back := time.Now()
	rec := awaitRecovery(t, p, newKanboard(p.URL, tok, false), back, 5*time.Second)
	t.Logf("after slapd's return: /readyz 200 after %v, first createUser after %v", rec.ready.Round(time.Millisecond), rec.served.Round(time.Millisecond))
	if rec.ready > 2*time.Second {
		t.Errorf("dirgate took %v to be ready again", rec.ready)
	}
	for _, name := range created {
		if id, err := k.userID(ctx, name); err != nil || id == 0 {
			t.Errorf("after the outage, getUserByName(%s): %d %v", name, id, err)
		}
	}
	addDirectly(t, srv, "rm-direct2", 1*time.Second, k)

	if n := e2eutil.Metric(t, p.URL, modelReads); n < float64(len(created)) {
		t.Errorf("the model answered %v reads, want at least %d", n, len(created))
	}
}

// addDirectly adds a user straight to slapd and waits until Kanboard
// finds it, at most within.
func addDirectly(t *testing.T, srv *slapd.Server, name string, within time.Duration, k *kanboard) {
	t.Helper()
	conn := srv.Dial(t)
	add := ldap.NewAddRequest("uid="+name+","+peopleDN, nil)
	add.Attribute("objectClass", []string{"inetOrgPerson", "posixAccount"})
	add.Attribute("uid", []string{name})
	add.Attribute("cn", []string{name})
	add.Attribute("sn", []string{name})
	add.Attribute("uidNumber", []string{strconv.Itoa(900000 + len(name)*1000 + int(name[len(name)-1]))})
	add.Attribute("gidNumber", []string{"100"})
	add.Attribute("homeDirectory", []string{"/home/" + name})
	if err := conn.Add(add); err != nil {
		t.Fatalf("adding %s straight to slapd: %v", name, err)
	}
	start := time.Now()
	for {
		ctx, cancel := context.WithTimeout(t.Context(), clientTimeout)
		id, err := k.userID(ctx, name)
		cancel()
		if err == nil && id != 0 {
			t.Logf("%s, added straight to slapd, served after %v", name, time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > within {
			t.Fatalf("%s, added straight to slapd, not served after %v (%v)", name, within, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// modelReads is the series of reads the model answered.
const modelReads = `dirgate_readmodel_reads_total{answeredBy="model",domain="example.com"}`
