package readmodel_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// treeLDIF is benchLDIF's 10,000 users and 100 groups beside a tree of
// 10 departments of 10 teams each (110 OUs).
func treeLDIF(suffix string) string {
	var b strings.Builder
	b.WriteString(benchLDIF(suffix))
	for d := range 10 {
		fmt.Fprintf(&b, "dn: ou=dept%d,%s\nobjectClass: organizationalUnit\nou: dept%d\ndescription: department %d\n\n", d, suffix, d, d)
		for t := range 10 {
			fmt.Fprintf(&b, "dn: ou=team%d,ou=dept%d,%s\nobjectClass: organizationalUnit\nou: team%d\nl: Berlin\n\n", t, d, suffix, t)
		}
	}
	return b.String()
}

// BenchmarkReadModelOUs compares the OU reads answered by the read model
// with the LDAP backend's, on one slapd in one run: GetOU by DN, ListOUs
// of the whole base (110 OUs) and of one department (10), Children of a
// department and Resolve of a team's name (10 OUs).
//
//	go test -run '^$' -bench BenchmarkReadModelOUs -benchmem ./pkg/directory/readmodel/
func BenchmarkReadModelOUs(b *testing.B) {
	const suffix = "dc=example,dc=com"
	srv := slapd.Start(b, slapd.Options{Disable: slapd.TLS, LDIF: treeLDIF(suffix)})
	backend := openBackend(b, srv)
	b.Cleanup(func() { backend.Close() })
	model := openModelOn(b, srv)
	dept := func(r *rand.Rand) string { return fmt.Sprintf("ou=dept%d,%s", r.IntN(10), suffix) }
	reads := []struct {
		name string
		read func(d directory.Directory, r *rand.Rand) (int, error)
	}{
		{"GetOU", func(d directory.Directory, r *rand.Rand) (int, error) {
			_, err := d.GetOU(context.Background(), directory.ByDN(fmt.Sprintf("ou=team%d,%s", r.IntN(10), dept(r))))
			return 1, err
		}},
		{"ListOUs/base", func(d directory.Directory, r *rand.Rand) (int, error) {
			ous, err := d.ListOUs(context.Background(), "", directory.ScopeSubtree)
			return len(ous), err
		}},
		{"ListOUs/dept", func(d directory.Directory, r *rand.Rand) (int, error) {
			ous, err := d.ListOUs(context.Background(), dept(r), directory.ScopeOneLevel)
			return len(ous), err
		}},
		{"Children/dept", func(d directory.Directory, r *rand.Rand) (int, error) {
			es, err := d.Children(context.Background(), dept(r))
			return len(es), err
		}},
		{"Resolve/team", func(d directory.Directory, r *rand.Rand) (int, error) {
			es, err := d.Resolve(context.Background(), fmt.Sprintf("team%d", r.IntN(10)))
			return len(es), err
		}},
	}
	want := map[string]int{"GetOU": 1, "ListOUs/base": 111, "ListOUs/dept": 10, "Children/dept": 10, "Resolve/team": 10}
	for _, rd := range reads {
		for _, via := range []struct {
			name string
			d    directory.Directory
		}{{"model", model}, {"backend", backend}} {
			b.Run(rd.name+"/"+via.name, func(b *testing.B) {
				b.ReportAllocs()
				parallel(b, 1, func(r *rand.Rand) func() error {
					return func() error {
						n, err := rd.read(via.d, r)
						if err == nil && n != want[rd.name] {
							err = fmt.Errorf("%s: %d entries, want %d", rd.name, n, want[rd.name])
						}
						return err
					}
				})
			})
		}
	}
	if s := model.Stats(); s.Routed > 0 {
		b.Errorf("the model passed %d OU reads to the directory", s.Routed)
	}
}
