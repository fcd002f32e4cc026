package ldap_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// BenchmarkOpenLDAP compares the backend with raw go-ldap on one slapd in
// one run (10,000 users loaded with slapadd). Raw go-ldap gets one bound
// connection per worker and does no mapping: the cost of the backend's
// pool, deadlines, filter building and model mapping is the difference.
//
//	go test -run '^$' -bench BenchmarkOpenLDAP -benchmem -benchtime 3s ./pkg/directory/ldap/
func BenchmarkOpenLDAP(b *testing.B) {
	srv := slapd.Start(b, slapd.Options{Disable: slapd.TLS, LDIF: bulkLDIF("dc=example,dc=com", bulkUsers)})
	c := config(srv, slapd.GroupOfNames)
	c.PoolSize = 16 // as many connections as the raw side at 16 callers
	d := open(b, c)
	bulk := "ou=bulk," + srv.Suffix
	name := func(r *rand.Rand) string { return fmt.Sprintf("bulk%05d", r.IntN(bulkUsers)) }
	rawConn := func(b *testing.B) *goldap.Conn {
		conn, err := goldap.DialURL(srv.URL)
		if err != nil {
			b.Fatal(err)
		}
		if err := conn.Bind(srv.BindDN, srv.BindPassword); err != nil {
			b.Fatal(err)
		}
		return conn
	}
	userAttrs := []string{"entryUUID", "createTimestamp", "modifyTimestamp", "uid", "cn", "givenName", "sn",
		"displayName", "mail", "telephoneNumber", "mobile", "title", "description", "uidNumber", "gidNumber",
		"homeDirectory", "dirgatePrincipalName", "dirgateExternalId", "dirgateSystem", "dirgateInvitationPending",
		"dirgateInvitationExpiry", "objectClass", "pwdAccountLockedTime", "pwdFailureTime", "pwdReset",
		"employeeNumber", "departmentNumber"}
	rawGet := func(conn *goldap.Conn, uid string) error {
		res, err := conn.Search(goldap.NewSearchRequest(srv.Suffix, goldap.ScopeWholeSubtree, goldap.NeverDerefAliases,
			2, 0, false, "(&(objectClass=inetOrgPerson)(uid="+goldap.EscapeFilter(uid)+"))", userAttrs, nil))
		if err == nil && len(res.Entries) != 1 {
			err = fmt.Errorf("%d entries", len(res.Entries))
		}
		return err
	}

	for _, callers := range []int{1, 16} {
		b.Run(fmt.Sprintf("GetUser/backend/callers=%d", callers), func(b *testing.B) {
			parallel(b, callers, func(r *rand.Rand) func() error {
				return func() error {
					_, err := d.GetUser(context.Background(), directory.ByName(name(r)))
					return err
				}
			})
		})
		b.Run(fmt.Sprintf("GetUser/raw/callers=%d", callers), func(b *testing.B) {
			parallel(b, callers, func(r *rand.Rand) func() error {
				conn := rawConn(b)
				b.Cleanup(func() { conn.Close() })
				return func() error { return rawGet(conn, name(r)) }
			})
		})
	}

	// The profile's default extra attributes (extraAttributes unset): every
	// read asks for the ordinary person attributes too.
	cd := config(srv, slapd.GroupOfNames)
	cd.PoolSize, cd.ExtraAttributes = 16, nil
	withDefaults := open(b, cd)
	b.Run("GetUser/backend-default-extras/callers=1", func(b *testing.B) {
		parallel(b, 1, func(r *rand.Rand) func() error {
			return func() error {
				_, err := withDefaults.GetUser(context.Background(), directory.ByName(name(r)))
				return err
			}
		})
	})

	const benchPassword = "Bench-Password-1"
	b.Run("VerifyPassword/backend", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			if _, err := d.VerifyPassword(context.Background(), directory.ByName(name(r)), benchPassword); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("VerifyPassword/raw", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		svc, user := rawConn(b), rawConn(b)
		defer svc.Close()
		defer user.Close()
		for b.Loop() {
			uid := name(r)
			if err := rawGet(svc, uid); err != nil {
				b.Fatal(err)
			}
			if err := user.Bind("uid="+uid+","+bulk, benchPassword); err != nil {
				b.Fatal(err)
			}
		}
	})

	var seq atomic.Int64
	b.Run("CreateUser/backend", func(b *testing.B) {
		parent := srv.FreshOU(b)
		for b.Loop() {
			n := seq.Add(1)
			_, err := d.CreateUser(context.Background(), directory.NewUser{ParentDN: parent,
				Username: fmt.Sprintf("new%07d", n), Surname: "New", UIDNumber: 500000 + n, GIDNumber: 100,
				HomeDirectory: fmt.Sprintf("/home/new%07d", n)})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CreateUser/raw", func(b *testing.B) {
		parent := srv.FreshOU(b)
		conn := rawConn(b)
		defer conn.Close()
		for b.Loop() {
			n := seq.Add(1)
			uid := fmt.Sprintf("new%07d", n)
			req := goldap.NewAddRequest("uid="+uid+","+parent, nil)
			req.Attribute("objectClass", []string{"top", "inetOrgPerson", "dirgateObject", "posixAccount", "shadowAccount"})
			req.Attribute("uid", []string{uid})
			req.Attribute("cn", []string{uid})
			req.Attribute("sn", []string{"New"})
			req.Attribute("uidNumber", []string{fmt.Sprint(500000 + n)})
			req.Attribute("gidNumber", []string{"100"})
			req.Attribute("homeDirectory", []string{"/home/" + uid})
			req.Attribute("loginShell", []string{"/bin/bash"})
			if err := conn.Add(req); err != nil {
				b.Fatal(err)
			}
		}
	})

	// Listing, page by page: every one of the 10,000 users, and the first
	// 1,000 (bulk00000..bulk00999). The peak heap while listing shows
	// whether memory follows the page or the total.
	const page = 500
	for _, n := range []int{1000, bulkUsers} {
		var f directory.Filter
		rawFilter := "(objectClass=inetOrgPerson)"
		if n < bulkUsers {
			f = directory.StartsWith(directory.FieldUsername, "bulk00")
			rawFilter = "(&(objectClass=inetOrgPerson)(uid=bulk00*))"
		}
		b.Run(fmt.Sprintf("List/backend-pages/users=%d", n), func(b *testing.B) {
			peak := watchHeap(b)
			for b.Loop() {
				seen := 0
				q := directory.Query{Base: bulk, Filter: f, Limit: page, Sort: []directory.SortKey{{Field: directory.FieldUsername}}}
				for q.Offset = 0; q.Offset < n; q.Offset += page {
					p, err := d.SearchUsers(context.Background(), q)
					if err != nil {
						b.Fatal(err)
					}
					seen += len(p.Items)
				}
				if seen != n {
					b.Fatalf("listed %d", seen)
				}
			}
			peak.report(b)
		})
		b.Run(fmt.Sprintf("List/raw-paged/users=%d", n), func(b *testing.B) {
			conn := rawConn(b)
			defer conn.Close()
			peak := watchHeap(b)
			for b.Loop() {
				res, err := conn.SearchWithPaging(goldap.NewSearchRequest(bulk, goldap.ScopeSingleLevel, goldap.NeverDerefAliases,
					0, 0, false, rawFilter, userAttrs, nil), page)
				if err != nil || len(res.Entries) != n {
					b.Fatalf("%d entries, %v", len(res.Entries), err)
				}
			}
			peak.report(b)
		})
	}
	b.Run("List/backend-export/users=10000", func(b *testing.B) {
		// The whole export streamed to nowhere: the walk the backend uses
		// when every entry is wanted.
		peak := watchHeap(b)
		for b.Loop() {
			if _, err := d.Export(context.Background(), discard{}); err != nil {
				b.Fatal(err)
			}
		}
		peak.report(b)
	})
}

// parallel runs op from callers goroutines (each with its own setup), b.N
// operations in all.
func parallel(b *testing.B, callers int, setup func(r *rand.Rand) func() error) {
	ops := make([]func() error, callers)
	for i := range ops {
		ops[i] = setup(rand.New(rand.NewPCG(uint64(i), 7)))
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for _, op := range ops {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				if err := op(); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// heapWatch samples the live heap while a benchmark runs.
type heapWatch struct {
	stop chan struct{}
	done chan struct{}
	peak uint64
}

func watchHeap(b *testing.B) *heapWatch {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	w := &heapWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > base && ms.HeapAlloc-base > w.peak {
					w.peak = ms.HeapAlloc - base
				}
			}
		}
	}()
	return w
}

func (w *heapWatch) report(b *testing.B) {
	close(w.stop)
	<-w.done
	b.ReportMetric(float64(w.peak)/(1<<20), "peak-heap-MiB")
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
