package ldap_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// TestADMoveKeepsGroups: moving a user to another OU keeps its
// memberships (AD's member values follow the entry) and its logon.
func TestADMoveKeepsGroups(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	d := open(t, adConfig(srv, base))
	ctx := t.Context()
	from, err := d.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "From"})
	if err != nil {
		t.Fatal(err)
	}
	to, err := d.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "To"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: from.DN, Username: "mover", Password: adPassword1})
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "movers", Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(u.ID))}})
	if err != nil {
		t.Fatal(err)
	}
	moved, err := d.MoveUser(ctx, directory.ByID(u.ID), to.DN)
	if err != nil {
		t.Fatal(err)
	}
	if !directory.EqualDN(moved.DN, "CN=mover,"+to.DN) || moved.ID != u.ID {
		t.Fatalf("moved to %s (id %s)", moved.DN, moved.ID)
	}
	if got := adRead(t, srv, g.DN, "member"); !directory.EqualDN(got, moved.DN) {
		t.Errorf("the group's member value is %q, want the new DN %s", got, moved.DN)
	}
	ms, err := d.MemberOf(ctx, directory.UserRef(directory.ByID(u.ID)), true)
	if err != nil || len(ms) != 1 || ms[0].Group.ID != g.ID || !ms[0].Direct {
		t.Errorf("MemberOf after the move: %+v, %v", ms, err)
	}
	if got := adBind(t, srv, moved.DN, adPassword1); got != "" {
		t.Errorf("bind after the move: data %s", got)
	}
}

// TestADNestedGroups: nesting four deep, resolved by the DC with
// LDAP_MATCHING_RULE_IN_CHAIN in both directions.
func TestADNestedGroups(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	d := open(t, adConfig(srv, base))
	ctx := t.Context()
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "deep"})
	if err != nil {
		t.Fatal(err)
	}
	member := directory.UserRef(directory.ByID(u.ID))
	var chain []*directory.Group // chain[0] holds the user, chain[i] holds chain[i-1]
	for i := range 4 {
		g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: fmt.Sprintf("level%d", i), Members: []directory.PrincipalRef{member}})
		if err != nil {
			t.Fatal(err)
		}
		chain = append(chain, g)
		member = directory.GroupRef(directory.ByID(g.ID))
	}
	ms, err := d.MemberOf(ctx, directory.UserRef(directory.ByID(u.ID)), true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%s:%v", m.Group.Name, m.Direct))
	}
	if want := []string{"level0:true", "level1:false", "level2:false", "level3:false"}; !slices.Equal(got, want) {
		t.Errorf("MemberOf(indirect) = %q, want %q", got, want)
	}
	members, err := d.Members(ctx, directory.ByID(chain[3].ID), true)
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, m := range members {
		got = append(got, fmt.Sprintf("%s:%s:%v", m.Type, m.Name, m.Direct))
	}
	slices.Sort(got)
	if want := []string{"group:level0:false", "group:level1:false", "group:level2:true", "user:deep:false"}; !slices.Equal(got, want) {
		t.Errorf("Members(top, indirect) = %q, want %q", got, want)
	}
}

// TestADLargeGroup: a group of 2,000 members, more than AD's
// MaxValRange (1,500) values of one read: dirgate fetches the ranges and
// lists every member, directly and through nesting; a listing of the
// 2,000 users pages below MaxPageSize (1,000) even when configured above.
func TestADLargeGroup(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	cfg := adConfig(srv, base)
	cfg.PageSize = 5000
	d := open(t, cfg)
	ctx := t.Context()
	const n = 2000
	people, err := d.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "People"})
	if err != nil {
		t.Fatal(err)
	}
	// The members are made straight over LDAP on four connections:
	// 2,000 creates with passwords would make the test slow for nothing.
	dns := make([]string, n)
	for i := range dns {
		dns[i] = fmt.Sprintf("CN=m%04d,%s", i, people.DN)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			conn, err := srv.Dial()
			if err != nil {
				errs <- err
				return
			}
			defer conn.Close()
			for i := w; i < n; i += 4 {
				req := goldap.NewAddRequest(dns[i], nil)
				req.Attribute("objectClass", []string{"user"})
				req.Attribute("sAMAccountName", []string{fmt.Sprintf("m%04d", i)})
				if err := conn.Add(req); err != nil {
					errs <- fmt.Errorf("adding %s: %w", dns[i], err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "crowd"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for chunk := range slices.Chunk(dns, 500) {
		if err := conn.Modify(&goldap.ModifyRequest{DN: g.DN, Changes: []goldap.Change{{Operation: goldap.AddAttribute,
			Modification: goldap.PartialAttribute{Type: "member", Vals: chunk}}}}); err != nil {
			t.Fatal(err)
		}
	}
	// Windows DCs cut a plain read of the group at 1,500 values (Samba
	// hands out all of them): read the first range as Windows would
	// answer, and let dirgate fetch the rest range by range, from the
	// DC.
	ranged, err := ldap.RangedMembers(ctx, d, g.DN)
	if err != nil {
		t.Fatal(err)
	}
	if len(ranged) != n || !slices.Contains(ranged, dns[n-1]) {
		t.Errorf("range retrieval returned %d values, want %d", len(ranged), n)
	}

	outer, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "outer",
		Members: []directory.PrincipalRef{directory.GroupRef(directory.ByID(g.ID))}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		group    string
		indirect bool
		want     int
	}{{g.ID, false, n}, {g.ID, true, n}, {outer.ID, true, n + 1}} {
		ms, err := d.Members(ctx, directory.ByID(c.group), c.indirect)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, m := range ms {
			seen[m.Name] = true
		}
		if len(ms) != c.want || len(seen) != c.want || !seen["m0000"] || !seen["m1999"] {
			t.Errorf("Members(%s, indirect=%v): %d members (%d distinct), want %d", c.group, c.indirect, len(ms), len(seen), c.want)
		}
	}
	page, err := d.SearchUsers(ctx, directory.Query{Base: people.DN})
	if err != nil || page.Total != n || len(page.Items) != n {
		t.Errorf("SearchUsers below People: %d of %d, %v; want %d", len(page.Items), page.Total, err, n)
	}
}

// TestADObjectGUID: the id is objectGUID in the canonical text the DC
// itself writes (its extended DN), and finds the entry again.
func TestADObjectGUID(t *testing.T) {
	srv := samba.Start(t)
	base := adBase(t, srv)
	d := open(t, adConfig(srv, base))
	ctx := t.Context()
	u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: "guid"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "guidgroup"})
	if err != nil {
		t.Fatal(err)
	}
	ou, err := d.GetOU(ctx, directory.ByDN(base))
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct{ dn, id string }{{u.DN, u.ID}, {g.DN, g.ID}, {ou.DN, ou.ID}} {
		if want := extendedGUID(t, srv, x.dn); x.id != want {
			t.Errorf("%s: id %q, the DC says %q", x.dn, x.id, want)
		}
	}
	if got, err := d.GetUser(ctx, directory.ByID(strings.ToUpper(u.ID))); err != nil || !directory.EqualDN(got.DN, u.DN) {
		t.Errorf("GetUser(ByID) = %v, %v", got, err)
	}
	if got, err := d.GetGroup(ctx, directory.ByID(g.ID)); err != nil || got.Name != "guidgroup" {
		t.Errorf("GetGroup(ByID) = %v, %v", got, err)
	}
	page, err := d.SearchUsers(ctx, directory.Query{Filter: directory.Eq(directory.FieldID, u.ID)})
	if err != nil || page.Total != 1 || page.Items[0].ID != u.ID {
		t.Errorf("SearchUsers(id eq) = %+v, %v", page, err)
	}
	// The id survives a rename and a move.
	renamed, err := d.RenameUser(ctx, directory.ByID(u.ID), "guid2")
	if err != nil || renamed.ID != u.ID {
		t.Errorf("after RenameUser: %+v, %v", renamed, err)
	}
}

// extendedGUID reads the GUID of dn from the DC's extended DN control,
// in the DC's own string form.
func extendedGUID(t *testing.T, srv *samba.Server, dn string) string {
	t.Helper()
	conn, err := srv.Dial()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// LDAP_SERVER_EXTENDED_DN_OID with flag 1: GUID and SID as strings.
	value := "\x30\x03\x02\x01\x01"
	res, err := conn.Search(goldap.NewSearchRequest(dn, goldap.ScopeBaseObject, goldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=*)", []string{"1.1"}, []goldap.Control{goldap.NewControlString(goldap.ControlTypeMicrosoftExtendedDN, true, value)}))
	if err != nil {
		t.Fatal(err)
	}
	ext := res.Entries[0].DN
	_, rest, ok := strings.Cut(ext, "<GUID=")
	if !ok {
		t.Fatalf("no GUID in the extended DN %q", ext)
	}
	guid, _, _ := strings.Cut(rest, ">")
	return strings.ToLower(guid)
}
