package ldap_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// bulkLDIF renders n users under ou=bulk,<suffix> (and that OU), for
// slapadd: loading them offline takes a second where creating them
// through LDAP would take far longer.
func bulkLDIF(suffix string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "dn: ou=bulk,%s\nobjectClass: organizationalUnit\nou: bulk\n\n", suffix)
	for i := range n {
		name := fmt.Sprintf("bulk%05d", i)
		fmt.Fprintf(&b, "dn: uid=%s,ou=bulk,%s\n", name, suffix)
		b.WriteString("objectClass: inetOrgPerson\nobjectClass: posixAccount\nobjectClass: shadowAccount\nobjectClass: dirgateObject\n")
		fmt.Fprintf(&b, "uid: %s\ncn: Bulk User %d\nsn: User%d\ngivenName: Bulk\nmail: %s@example.com\n", name, i, i, name)
		fmt.Fprintf(&b, "uidNumber: %d\ngidNumber: 100\nhomeDirectory: /home/%s\nloginShell: /bin/bash\n", 100000+i, name)
		// A known password for the verification benchmark ({SSHA} of
		// "Bench-Password-1", made with slappasswd).
		b.WriteString("userPassword: {SSHA}loZ7H7Pl0jmhNF7tX4YEdOpD0t3bA8qz\n\n")
	}
	return b.String()
}

const bulkUsers = 10000

// TestListTenThousandInPages lists 10,000 users in pages, by the sorted
// view (sssvlv) and by the paged scan (a server without it): every user
// exactly once, in order, with the right total on every page.
func TestListTenThousandInPages(t *testing.T) {
	for _, tc := range []struct {
		name     string
		disable  slapd.Feature
		pageSize int
	}{
		{"sorted view", slapd.TLS, 500},
		{"paged scan", slapd.TLS | slapd.SortVLV, 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := slapd.Start(t, slapd.Options{Disable: tc.disable, LDIF: bulkLDIF("dc=example,dc=com", bulkUsers)})
			d := open(t, config(srv, slapd.GroupOfNames))
			q := directory.Query{Base: "ou=bulk," + srv.Suffix, Limit: tc.pageSize,
				Sort: []directory.SortKey{{Field: directory.FieldUsername}}}
			var names []string
			for q.Offset = 0; q.Offset < bulkUsers; q.Offset += q.Limit {
				p, err := d.SearchUsers(t.Context(), q)
				if err != nil {
					t.Fatalf("page at %d: %v", q.Offset, err)
				}
				if p.Total != bulkUsers {
					t.Fatalf("page at %d: Total %d, want %d", q.Offset, p.Total, bulkUsers)
				}
				if len(p.Items) != tc.pageSize {
					t.Fatalf("page at %d: %d items, want %d", q.Offset, len(p.Items), tc.pageSize)
				}
				for _, u := range p.Items {
					names = append(names, u.Username)
				}
			}
			if !slices.IsSorted(names) {
				t.Error("the pages are not in username order")
			}
			if len(slices.Compact(slices.Clone(names))) != bulkUsers {
				t.Errorf("%d distinct users over the pages, want %d", len(slices.Compact(slices.Clone(names))), bulkUsers)
			}
			// Past the end: no items, the total still right.
			p, err := d.SearchUsers(t.Context(), directory.Query{Base: q.Base, Offset: bulkUsers + 5, Limit: 10})
			if err != nil || len(p.Items) != 0 || p.Total != bulkUsers {
				t.Errorf("page past the end: %d items, Total %d, %v", len(p.Items), p.Total, err)
			}
		})
	}
}
