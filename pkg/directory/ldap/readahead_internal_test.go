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

// A client walking a listing gets the next page read ahead on the view,
// and that page is served only while it is fresh: a change made after it
// was read shows once it is older than aheadFresh, and the walk holds
// every entry once, in order, either way.
func TestListingReadAheadIsServedOnlyFresh(t *testing.T) {
	const users, limit = 120, 20
	var ldif strings.Builder
	ldif.WriteString("dn: ou=people,dc=example,dc=com\nobjectClass: organizationalUnit\nou: people\n")
	var want []string
	for i := range users {
		name := fmt.Sprintf("r%03d", (i*7)%users)
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
	list := func(offset int) []directory.User {
		t.Helper()
		page, err := d.SearchUsers(ctx, directory.Query{Offset: offset, Limit: limit,
			Sort: []directory.SortKey{{Field: directory.FieldUsername}}})
		if err != nil {
			t.Fatalf("page at %d: %v", offset, err)
		}
		return page.Items
	}
	ahead := func() *readAhead {
		d.views.mu.Lock()
		defer d.views.mu.Unlock()
		if len(d.views.open) != 1 {
			t.Fatalf("%d views open, want 1", len(d.views.open))
		}
		return d.views.open[0].ahead
	}
	rename := func(name, display string) {
		t.Helper()
		if _, err := d.UpdateUser(ctx, directory.ByName(name), directory.UserPatch{DisplayName: &display}); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	walk := func(items []directory.User) {
		for _, u := range items {
			got = append(got, u.Username)
		}
	}
	walk(list(0))
	if a := ahead(); a != nil {
		t.Fatal("a first page read the next ahead: a client that reads one page would cost the server two")
	}
	walk(list(limit))
	a := ahead()
	if a == nil || a.offset != 2*limit || a.limit != limit {
		t.Fatalf("after the second page the read ahead is %+v, want the page at %d", a, 2*limit)
	}
	<-a.done
	// Fresh: the page read ahead is served, without the change made since.
	rename(want[2*limit], "Changed once")
	page := list(2 * limit)
	walk(page)
	if page[0].DisplayName == "Changed once" {
		t.Fatal("a fresh page read ahead was not served: the page was read again")
	}
	// Stale: the page is read again, with the change.
	<-ahead().done
	rename(want[3*limit], "Changed twice")
	now = now.Add(aheadFresh + time.Millisecond)
	page = list(3 * limit)
	walk(page)
	if page[0].DisplayName != "Changed twice" {
		t.Fatalf("a page read ahead %v before it was asked for was served (display name %q)", aheadFresh, page[0].DisplayName)
	}
	for offset := 4 * limit; offset < users; offset += limit {
		walk(list(offset))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("the walk holds %v, want %v", got, want)
	}
	if a := ahead(); a != nil {
		t.Fatalf("the last page read ahead past the end: %+v", a)
	}
}
