package embedded

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Benchmarks of the figures in docs/benchmarks.md ("Embedded backend"):
//
//	go test -run '^$' -bench . -benchmem ./pkg/directory/embedded

const benchUsers = 10_000

// created numbers the users benchmarks create: a sub-benchmark may run
// several times on one store.
var created atomic.Int64

// benchStore opens a store holding benchUsers users below ou=people, put in
// by one LDIF import (creating them one by one would sync 10,000 times).
func benchStore(b *testing.B) *Directory {
	b.Helper()
	d := openTest(b, NewConfig(), b.TempDir())
	var ldif strings.Builder
	for i := range benchUsers {
		fmt.Fprintf(&ldif, "dn: uid=user%05d,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nobjectClass: posixAccount\n"+
			"uid: user%05d\ncn: User %d\nsn: Surname%04d\ngivenName: Given\nmail: user%05d@example.com\n"+
			"uidNumber: %d\ngidNumber: 10000\nhomeDirectory: /home/user%05d\n\n",
			i, i, i, (i*7919)%benchUsers, i, 10000+i, i)
	}
	n, err := d.Import(context.Background(), strings.NewReader(ldif.String()), false)
	if err != nil || n.Written() != benchUsers {
		b.Fatalf("importing %d users: %+v, %v", benchUsers, n, err)
	}
	return d
}

func BenchmarkGetUser(b *testing.B) {
	d := benchStore(b)
	ctx := context.Background()
	u, err := d.GetUser(ctx, directory.ByName("user04242"))
	must(b, err)
	for _, c := range []struct {
		name string
		ref  directory.Ref
	}{{"ByName", directory.ByName("user04242")}, {"ByID", directory.ByID(u.ID)}, {"ByDN", directory.ByDN(u.DN)}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := d.GetUser(ctx, c.ref); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreateUser measures one create: a synced bbolt transaction, and
// with a password also an argon2id hash.
func BenchmarkCreateUser(b *testing.B) {
	d := benchStore(b)
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		password string
	}{{"NoPassword", ""}, {"WithPassword", "Bench-Passw0rd!"}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				_, err := d.CreateUser(ctx, directory.NewUser{ParentDN: "ou=people,dc=example,dc=com",
					Username: fmt.Sprintf("new%d", created.Add(1)), Surname: "New", Password: c.password})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkVerifyPassword measures a successful logon with the default
// argon2id parameters (m=19456 KiB, t=2, p=1).
func BenchmarkVerifyPassword(b *testing.B) {
	d := openTest(b, NewConfig(), b.TempDir())
	ctx := context.Background()
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: "ou=people,dc=example,dc=com", Username: "bench", Password: "Bench-Passw0rd!"})
	must(b, err)
	for b.Loop() {
		if _, err := d.VerifyPassword(ctx, directory.ByID(u.ID), "Bench-Passw0rd!"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkListUsers10k reads all 10,000 users in pages of 50: one op is
// the whole listing (200 searches), each page with its total count.
func BenchmarkListUsers10k(b *testing.B) {
	d := benchStore(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		q    directory.Query
		want int
	}{
		{"ByUsername", directory.Query{}, benchUsers},
		{"BySurname", directory.Query{Sort: []directory.SortKey{{Field: directory.FieldSurname}}}, benchUsers},
		{"Filtered", directory.Query{Base: "ou=people,dc=example,dc=com",
			Filter: directory.Contains(directory.FieldMail, "@example.com")}, benchUsers},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				seen := 0
				q := c.q
				q.Limit = 50
				for q.Offset = 0; q.Offset < c.want; q.Offset += 50 {
					p, err := d.SearchUsers(ctx, q)
					if err != nil || p.Total != c.want {
						b.Fatalf("page at %d: Total %d, %v", q.Offset, p.Total, err)
					}
					seen += len(p.Items)
				}
				if seen != c.want {
					b.Fatalf("listed %d users, want %d", seen, c.want)
				}
			}
		})
	}
	// The first page sorted by another field after a change: the sort the
	// pages after it are spared.
	b.Run("FirstPageBySurnameAfterChange", func(b *testing.B) {
		q := directory.Query{Sort: []directory.SortKey{{Field: directory.FieldSurname}}, Limit: 50}
		for b.Loop() {
			d.mu.Lock()
			d.st.userOrderChanged()
			d.mu.Unlock()
			if p, err := d.SearchUsers(ctx, q); err != nil || len(p.Items) != 50 {
				b.Fatalf("first page: %d items, %v", len(p.Items), err)
			}
		}
	})
}

// BenchmarkHomeDirectoryLookup is the search the core makes before a
// create with a derived home (is it another user's?): a pass over the
// 10,000 users in memory, beside the create itself.
func BenchmarkHomeDirectoryLookup(b *testing.B) {
	d := benchStore(b)
	ctx := context.Background()
	for b.Loop() {
		p, err := d.SearchUsers(ctx, directory.Query{Filter: directory.Eq(directory.FieldHomeDirectory, "/home/user04242")})
		if err != nil || len(p.Items) != 1 {
			b.Fatalf("%d users, %v", len(p.Items), err)
		}
	}
}
