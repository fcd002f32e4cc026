package ldap_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// BenchmarkHomeDirectoryLookup measures the search the core makes before
// creating a user with a derived home (is the home another user's?),
// beside the username lookup every create makes, on 10,000 users, with
// homeDirectory indexed (eq) as docs/backends.md asks. Without the index
// every lookup is a scan of the tree.
//
//	go test -run '^$' -bench BenchmarkHomeDirectoryLookup -benchtime 2s ./pkg/directory/ldap/
func BenchmarkHomeDirectoryLookup(b *testing.B) {
	srv := slapd.Start(b, slapd.Options{Disable: slapd.TLS, LDIF: bulkLDIF("dc=example,dc=com", bulkUsers)})
	d := open(b, config(srv, slapd.GroupOfNames))
	name := func(r *rand.Rand) string { return fmt.Sprintf("bulk%05d", r.IntN(bulkUsers)) }
	b.Run("byUsername", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			if _, err := d.GetUser(context.Background(), directory.ByName(name(r))); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("byHomeDirectory", func(b *testing.B) {
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			p, err := d.SearchUsers(context.Background(), directory.Query{
				Filter: directory.Eq(directory.FieldHomeDirectory, "/home/"+name(r)),
			})
			if err != nil || len(p.Items) != 1 {
				b.Fatalf("%d users, %v", len(p.Items), err)
			}
		}
	})
}
