package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// A consistency load on dirgate processes with readModel on over one
// slapd: writers through process A's Kanboard dialect (updateUser of a
// versioned displayName, createUser and removeUser), writers straight to
// slapd over LDAP, and readers on every process (getAllUsers and
// getUserByName) recording into a history (readmodel_history_test.go).

const (
	aWriters, aUsersEach = 3, 3 // through A, each owning its users
	lWriters, lUsersEach = 2, 3 // straight to slapd
	// lifeAfter is how long a created user lives before it is deleted:
	// past the bound, so that every process shows it in between.
	lifeAfter = 2 * time.Second
)

type consistencyRig struct {
	t     *testing.T
	dir   rigDirectory
	bound time.Duration // the processes' readModelMaxLag
	tok   string
	procs map[string]*e2eutil.Process // "A" (written through) and "B"
	h     *history

	aUsers [][]kuser // per writer through A
	lUsers [][]kuser // per LDAP writer

	mu    sync.Mutex
	lives []string // created-then-deleted users still read
}

type kuser struct {
	name string
	id   int64
	dn   string
}

// rigDirectory is the directory under the processes, as the rig's own
// LDAP clients reach it.
type rigDirectory struct {
	// dial opens a connection bound as an administrator.
	dial func() (*ldap.Conn, error)
	// usersDN holds the users the rig writes; nameAttr is their
	// username's attribute.
	usersDN, nameAttr string
	// addUser adds a user straight to the directory (the n-th the rig
	// adds) and returns its DN.
	addUser func(c *ldap.Conn, name string, n int) (string, error)
}

// slapdDirectory is srv with the Kanboard dialect's ou=people.
func slapdDirectory(srv *slapd.Server) rigDirectory {
	return rigDirectory{
		dial: func() (*ldap.Conn, error) {
			c, err := ldap.DialURL(srv.URL, ldap.DialWithDialer(&net.Dialer{Timeout: dialTimeout}))
			if err != nil {
				return nil, err
			}
			c.SetTimeout(requestTimeout)
			if err := c.Bind(srv.BindDN, srv.BindPassword); err != nil {
				c.Close()
				return nil, err
			}
			return c, nil
		},
		usersDN: peopleDN, nameAttr: "uid",
		addUser: func(c *ldap.Conn, name string, n int) (string, error) {
			dn := "uid=" + name + "," + peopleDN
			add := ldap.NewAddRequest(dn, nil)
			add.Attribute("objectClass", []string{"inetOrgPerson", "posixAccount"})
			add.Attribute("uid", []string{name})
			add.Attribute("cn", []string{name})
			add.Attribute("sn", []string{name})
			add.Attribute("uidNumber", []string{strconv.Itoa(910000 + n)})
			add.Attribute("gidNumber", []string{"100"})
			add.Attribute("homeDirectory", []string{"/home/" + name})
			return dn, c.Add(add)
		},
	}
}

// readModelConfig is a process's configuration: readModel on, lag bound
// 1 s, dialing urls.
func readModelConfig(t *testing.T, srv *slapd.Server, urls []string, tok string) string {
	return ldapConfigWith(t, srv, urls, tok, map[string]any{"readModel": "on", "readModelMaxLag": "1s"}, nil)
}

// newConsistencyRig creates the users the load writes, through A and
// straight to slapd, and waits until every process serves them all.
func newConsistencyRig(t *testing.T, dir rigDirectory, bound time.Duration, tok string, procs map[string]*e2eutil.Process) *consistencyRig {
	t.Helper()
	r := &consistencyRig{t: t, dir: dir, bound: bound, tok: tok, procs: procs, h: newHistory()}
	ctx := t.Context()
	k := newKanboard(procs["A"].URL, tok, true)
	for w := range aWriters {
		var us []kuser
		for i := range aUsersEach {
			name := fmt.Sprintf("ka-%d-%d-%s", w, i, random(4))
			res := k.createUser(ctx, name)
			if res.outcome != acked {
				t.Fatalf("createUser(%s) through A: %s %s", name, res.outcome, res.detail)
			}
			us = append(us, kuser{name: name, id: res.id})
		}
		r.aUsers = append(r.aUsers, us)
	}
	conn, err := dir.dial()
	if err != nil {
		t.Fatalf("dialing the directory: %v", err)
	}
	defer conn.Close()
	for w := range lWriters {
		var us []kuser
		for i := range lUsersEach {
			name := fmt.Sprintf("kl-%d-%d-%s", w, i, random(4))
			dn, err := dir.addUser(conn, name, w*100+i)
			if err != nil {
				t.Fatalf("adding %s straight to the directory: %v", name, err)
			}
			us = append(us, kuser{name: name, dn: dn})
		}
		r.lUsers = append(r.lUsers, us)
	}
	for proc, p := range procs {
		kp := newKanboard(p.URL, tok, true)
		deadline := time.Now().Add(10 * time.Second)
		for {
			users, res := listUsers(ctx, kp)
			missing := ""
			for _, us := range append(flatten(r.aUsers), flatten(r.lUsers)...) {
				if _, ok := users[us.name]; !ok {
					missing = us.name
				}
			}
			if res.outcome == acked && missing == "" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s does not serve %s 10 s after it was created (%s %s)", proc, missing, res.outcome, res.detail)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	return r
}

// flatten lists the users of every writer.
func flatten(uss [][]kuser) []kuser {
	var out []kuser
	for _, us := range uss {
		out = append(out, us...)
	}
	return out
}

// run loads the processes for d, calling during (if any) alongside, and
// returns when every client has stopped. The readers go on past the bound
// after the writers stop, so that the last writes are seen too.
func (r *consistencyRig) run(d time.Duration, during func(ctx context.Context)) {
	readCtx, stopReads := context.WithCancel(r.t.Context())
	ctx, cancel := context.WithCancel(readCtx)
	var wg, reads sync.WaitGroup
	for _, us := range r.aUsers {
		wg.Go(func() { r.writeThroughA(ctx, us) })
	}
	wg.Go(func() { r.createAndDelete(ctx) })
	for _, us := range r.lUsers {
		wg.Go(func() { r.writeLDAP(ctx, us) })
	}
	for proc, p := range r.procs {
		reads.Go(func() { r.readList(readCtx, proc, newKanboard(p.URL, r.tok, true)) })
		reads.Go(func() { r.readLookups(readCtx, proc, newKanboard(p.URL, r.tok, true)) })
	}
	if during != nil {
		wg.Go(func() { during(ctx) })
	}
	wait(ctx, d)
	cancel()
	wg.Wait()
	wait(readCtx, r.bound+slack)
	stopReads()
	reads.Wait()
}

// pause is the think time of a client between requests; a failed request
// waits longer, as a client backs off, rather than spin on the CPU the
// servers share.
func pause(ok bool) {
	if ok {
		time.Sleep(10 * time.Millisecond)
	} else {
		time.Sleep(50 * time.Millisecond)
	}
}

// writeThroughA bumps the version of its users in turn through A's
// updateUser, and reads each back at once (read-your-writes).
func (r *consistencyRig) writeThroughA(ctx context.Context, us []kuser) {
	k := newKanboard(r.procs["A"].URL, r.tok, true)
	bg := context.WithoutCancel(ctx)
	versions := make([]int, len(us))
	for n := 0; ctx.Err() == nil; n++ {
		i := n % len(us)
		versions[i]++
		w := cwrite{user: us[i].name, version: versions[i], via: "A"}
		res, raw := k.call(bg, "updateUser", map[string]any{"id": us[i].id, "name": fmt.Sprintf("v%d", versions[i])})
		w.start = res.start
		ok := res.outcome == acked && string(raw) == "true"
		if ok {
			w.ack = res.end()
		}
		r.h.write(w)
		if ok {
			r.lookup(bg, "A", "ryw", k, us[i].name)
		}
		pause(ok)
	}
}

// createAndDelete creates users through A and deletes each through A
// lifeAfter later, reading each back at once after both.
func (r *consistencyRig) createAndDelete(ctx context.Context) {
	k := newKanboard(r.procs["A"].URL, r.tok, true)
	bg := context.WithoutCancel(ctx)
	type made struct {
		kuser
		at time.Time
	}
	var live []made
	for n := 0; ctx.Err() == nil; n++ {
		if len(live) > 0 && time.Since(live[0].at) > lifeAfter {
			u := live[0]
			live = live[1:]
			r.h.mu.Lock()
			r.h.lives[u.name].deleteIssued = time.Now()
			r.h.mu.Unlock()
			res, raw := k.call(bg, "removeUser", []any{u.id})
			w := cwrite{user: u.name, version: 2, via: "A", start: res.start}
			ok := res.outcome == acked && string(raw) == "true"
			if ok {
				w.ack = res.end()
			}
			r.h.write(w)
			if ok {
				r.lookup(bg, "A", "ryw", k, u.name)
			}
			pause(ok)
			continue
		}
		name := "kc-" + random(8)
		r.h.mu.Lock()
		r.h.lives[name] = &life{}
		r.h.mu.Unlock()
		r.mu.Lock()
		r.lives = append(r.lives, name)
		r.mu.Unlock()
		res := k.createUser(bg, name)
		w := cwrite{user: name, version: 1, via: "A", start: res.start}
		if res.outcome == acked {
			w.ack = res.end()
			live = append(live, made{kuser{name: name, id: res.id}, w.ack})
		}
		r.h.write(w)
		if res.outcome == acked {
			r.lookup(bg, "A", "ryw", k, name)
		}
		// About ten users alive at a time.
		time.Sleep(lifeAfter / 10)
	}
}

// writeLDAP bumps the version of its users in turn with a modify straight
// to slapd, dialing again after an error.
func (r *consistencyRig) writeLDAP(ctx context.Context, us []kuser) {
	versions := make([]int, len(us))
	var conn *ldap.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	for n := 0; ctx.Err() == nil; n++ {
		if conn == nil {
			c, err := r.dir.dial()
			if err != nil {
				pause(false)
				continue
			}
			conn = c
		}
		i := n % len(us)
		versions[i]++
		mod := ldap.NewModifyRequest(us[i].dn, nil)
		mod.Replace("displayName", []string{fmt.Sprintf("v%d", versions[i])})
		w := cwrite{user: us[i].name, version: versions[i], via: viaLDAP, start: time.Now()}
		err := conn.Modify(mod)
		if err == nil {
			w.ack = time.Now()
		} else {
			conn.Close()
			conn = nil
		}
		r.h.write(w)
		pause(err == nil)
	}
}

// readList reads every user on proc with getAllUsers, again and again.
func (r *consistencyRig) readList(ctx context.Context, proc string, k *kanboard) {
	bg := context.WithoutCancel(ctx)
	for ctx.Err() == nil {
		r.mu.Lock()
		lives := append([]string(nil), r.lives...)
		r.mu.Unlock()
		users, res := listUsers(bg, k)
		if res.outcome != acked {
			r.h.refuse(proc)
			pause(false)
			continue
		}
		var rs []cread
		add := func(name string) {
			dn, present := users[name]
			rs = append(rs, cread{proc: proc, user: name, by: "list", present: present, name: dn, start: res.start, end: res.end()})
		}
		for _, u := range append(flatten(r.aUsers), flatten(r.lUsers)...) {
			add(u.name)
		}
		for _, name := range lives {
			add(name)
		}
		r.h.read(rs...)
		time.Sleep(time.Millisecond)
	}
}

// readLookups reads the users on proc one by one with getUserByName.
func (r *consistencyRig) readLookups(ctx context.Context, proc string, k *kanboard) {
	bg := context.WithoutCancel(ctx)
	kept := append(flatten(r.aUsers), flatten(r.lUsers)...)
	for n := 0; ctx.Err() == nil; n++ {
		r.mu.Lock()
		lives := append([]string(nil), r.lives...)
		r.mu.Unlock()
		var name string
		if i := n % (len(kept) + len(lives)); i < len(kept) {
			name = kept[i].name
		} else {
			name = lives[i-len(kept)]
		}
		if !r.lookup(bg, proc, "lookup", k, name) {
			pause(false)
			continue
		}
		time.Sleep(time.Millisecond)
	}
}

// lookup reads one user on proc and records it; false when unanswered.
func (r *consistencyRig) lookup(ctx context.Context, proc, by string, k *kanboard, name string) bool {
	res, raw := k.call(ctx, "getUserByName", map[string]any{"username": name})
	if res.outcome != acked {
		r.h.refuse(proc)
		return false
	}
	rd := cread{proc: proc, user: name, by: by, start: res.start, end: res.end()}
	if string(raw) != "null" {
		var u struct{ Username, Name string }
		if err := json.Unmarshal(raw, &u); err != nil || u.Username != name {
			r.h.refuse(proc)
			return false
		}
		rd.present, rd.name = true, u.Name
	}
	r.h.read(rd)
	return true
}

// listUsers calls getAllUsers: username → displayName.
func listUsers(ctx context.Context, k *kanboard) (map[string]string, result) {
	res, raw := k.call(ctx, "getAllUsers", []any{})
	if res.outcome != acked {
		return nil, res
	}
	var us []struct{ Username, Name string }
	if err := json.Unmarshal(raw, &us); err != nil {
		res.outcome, res.detail = half, string(raw)
		return nil, res
	}
	out := make(map[string]string, len(us))
	for _, u := range us {
		out[u.Username] = u.Name
	}
	return out, res
}

// finalCheck waits until every process is ready and its bound has passed
// since the last write, then checks that each serves, for every user
// written, what the directory holds, and that the directory holds every
// acknowledged write (no lost update).
func (r *consistencyRig) finalCheck() {
	t := r.t
	t.Helper()
	for proc, p := range r.procs {
		if d := awaitReady(t, p, 10*time.Second); d >= 10*time.Second {
			t.Fatalf("%s not ready 10 s after the load", proc)
		}
	}
	time.Sleep(r.bound + 100*time.Millisecond)

	dir := map[string]string{}
	conn, err := r.dir.dial()
	if err != nil {
		t.Fatalf("dialing the directory: %v", err)
	}
	defer conn.Close()
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(r.dir.usersDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases,
		0, 0, false, "(objectClass=person)", []string{r.dir.nameAttr, "displayName"}, nil), 500)
	if err != nil {
		t.Fatalf("reading the directory: %v", err)
	}
	for _, e := range res.Entries {
		dir[e.GetAttributeValue(r.dir.nameAttr)] = e.GetAttributeValue("displayName")
	}

	r.h.mu.Lock()
	lastAcked, lastTried := map[string]int{}, map[string]int{}
	deleteAcked := map[string]bool{}
	for _, w := range r.h.writes {
		lastTried[w.user] = max(lastTried[w.user], w.version)
		if w.acked() {
			lastAcked[w.user] = max(lastAcked[w.user], w.version)
			if _, lifecycle := r.h.lives[w.user]; lifecycle && w.version == 2 {
				deleteAcked[w.user] = true
			}
		}
	}
	lives := make(map[string]bool, len(r.h.lives))
	for name := range r.h.lives {
		lives[name] = true
	}
	r.h.mu.Unlock()

	lost := 0
	for user, v := range lastAcked {
		dn, present := dir[user]
		switch {
		case lives[user] && deleteAcked[user] && present:
			t.Errorf("the directory still holds %s, whose delete was acknowledged", user)
			lost++
		case lives[user] && !deleteAcked[user] && v == 1 && !present && lastTried[user] < 2:
			t.Errorf("the directory lacks %s, whose create was acknowledged", user)
			lost++
		case !lives[user] && !present:
			t.Errorf("the directory lacks %s", user)
			lost++
		case !lives[user] && (parseVersion(dn) < v || parseVersion(dn) > lastTried[user]):
			t.Errorf("the directory holds %s at %q; last acknowledged v%d, last tried v%d", user, dn, v, lastTried[user])
			lost++
		}
	}
	t.Logf("final: %d users written, %d acknowledged writes lost", len(lastTried), lost)

	for proc, p := range r.procs {
		k := newKanboard(p.URL, r.tok, false)
		users, res := listUsers(t.Context(), k)
		if res.outcome != acked {
			t.Fatalf("final getAllUsers on %s: %s %s", proc, res.outcome, res.detail)
		}
		wrong := 0
		for user := range lastTried {
			want, inDir := dir[user]
			got, served := users[user]
			if inDir != served || want != got {
				wrong++
				if wrong <= 10 {
					t.Errorf("%s serves %s as (%v, %q), the directory holds (%v, %q)", proc, user, served, got, inDir, want)
				}
			}
		}
		if wrong > 0 {
			t.Errorf("%s serves %d users otherwise than the directory holds them", proc, wrong)
		}
	}
}

// awaitReady polls /readyz until 200 and returns how long that took, or
// limit.
func awaitReady(t *testing.T, p *e2eutil.Process, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	hc := &http.Client{Timeout: time.Second}
	for time.Since(start) < limit {
		if resp, err := hc.Get(p.URL + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(start)
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return limit
}
