package ldap

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// Paging through a listing continues one sorted view on the server: the
// pages after the first come from the view the first opened, on its
// connection, and together hold every entry once, in order.
func TestListingPagesContinueOneView(t *testing.T) {
	const users, limit = 230, 50
	var ldif strings.Builder
	ldif.WriteString("dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n")
	var want []string
	for i := range users {
		name := fmt.Sprintf("v%03d", (i*7)%users) // not in name order on disk
		want = append(want, name)
		fmt.Fprintf(&ldif, "\ndn: uid=%s,ou=people,dc=example,dc=com\nobjectClass: inetOrgPerson\nuid: %s\ncn: %s\nsn: x\n", name, name, name)
	}
	slices.Sort(want)
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, LDIF: ldif.String()})
	cfg := *NewConfig()
	cfg.URLs, cfg.BindDN, cfg.BindPassword = []string{srv.URL}, srv.BindDN, srv.BindPassword
	ctx := t.Context()
	d, err := Open(ctx, cfg, directory.BackendEnv{Domain: "example.com", BaseDN: srv.Suffix})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	now := time.Now()
	d.now = func() time.Time { return now }
	open := func() []*sortedView {
		d.views.mu.Lock()
		defer d.views.mu.Unlock()
		return slices.Clone(d.views.open)
	}
	list := func(offset int, desc bool) directory.Page[directory.User] {
		t.Helper()
		page, err := d.SearchUsers(ctx, directory.Query{Offset: offset, Limit: limit,
			Sort: []directory.SortKey{{Field: directory.FieldUsername, Descending: desc}}})
		if err != nil {
			t.Fatalf("page at %d: %v", offset, err)
		}
		if page.Total != users {
			t.Fatalf("page at %d: total %d, want %d", offset, page.Total, users)
		}
		return page
	}
	var got []string
	var first *readConn
	for offset := 0; offset < users; offset += limit {
		for _, u := range list(offset, false).Items {
			got = append(got, u.Username)
		}
		views := open()
		if len(views) != 1 {
			t.Fatalf("after the page at %d: %d views open, want 1", offset, len(views))
		}
		if first == nil {
			first = views[0].c
		} else if views[0].c != first {
			t.Fatalf("the page at %d opened a view of its own", offset)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the pages hold %v, want %v", got, want)
	}

	// A first page sorts afresh, replacing the view of the same search.
	list(0, false)
	if views := open(); len(views) != 1 || views[0].c == first || !first.IsClosing() {
		t.Fatalf("a first page reused the view (%d open)", len(views))
	}
	// Another order is another view; at most maxViews stay open.
	if page := list(0, true); page.Items[0].Username != want[len(want)-1] {
		t.Fatalf("descending starts with %s", page.Items[0].Username)
	}
	for i := range maxViews {
		if _, err := d.SearchUsers(ctx, directory.Query{Limit: limit, Filter: directory.StartsWith(directory.FieldUsername, fmt.Sprintf("v%d", i))}); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(open()); n != maxViews {
		t.Fatalf("%d views open, want at most %d", n, maxViews)
	}
	// An idle view is closed; its next page sorts afresh and still holds
	// the right entries.
	list(0, false)
	kept := open()[maxViews-1].c
	now = now.Add(viewIdle + time.Second)
	if page := list(limit, false); page.Items[0].Username != want[limit] {
		t.Fatalf("after the view expired the second page starts with %s, want %s", page.Items[0].Username, want[limit])
	}
	if !kept.IsClosing() {
		t.Fatal("an idle view's connection is still open")
	}
	// A view whose connection died is not used.
	views := open()
	views[len(views)-1].c.close()
	if page := list(2*limit, false); page.Items[0].Username != want[2*limit] {
		t.Fatalf("after the view's connection died the third page starts with %s", page.Items[0].Username)
	}
	d.Close()
	if n := len(open()); n != 0 {
		t.Fatalf("%d views open after Close", n)
	}
}
