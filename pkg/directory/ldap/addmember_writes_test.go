package ldap_test

import (
	"slices"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestAddMemberWrites counts the modifies an AddMember sends, through a
// proxy: one for a group that has members (the assertion control rules
// the placeholder out in the same request), two for an empty one (the
// assertion fails, then the placeholder is swapped for the member), and
// in both cases the group ends up holding exactly its members.
func TestAddMemberWrites(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	px := newCutter(t, srv.URL)
	c := config(srv, slapd.GroupOfNames)
	c.URLs = []string{px.url()}
	d := open(t, c)
	base := srv.FreshOU(t)
	ctx := t.Context()
	var users []*directory.User
	for _, name := range []string{"ann", "bob", "cid"} {
		u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: name, Surname: "S"})
		if err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: "crew"})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []int64{2, 1, 1} { // empty, then with members
		px.resetCounts()
		if err := d.AddMember(ctx, directory.ByDN(g.DN), directory.UserRef(directory.ByDN(users[i].DN))); err != nil {
			t.Fatal(err)
		}
		if n := px.requests(tagModifyRequest); n != want {
			t.Errorf("adding member %d sent %d modifies, want %d", i+1, n, want)
		}
	}
	// A present member is no error, and no change.
	if err := d.AddMember(ctx, directory.ByDN(g.DN), directory.UserRef(directory.ByDN(users[0].DN))); err != nil {
		t.Errorf("adding a present member: %v", err)
	}
	members, err := d.Members(ctx, directory.ByDN(g.DN), false)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range members {
		got = append(got, m.DN)
	}
	slices.Sort(got)
	want := []string{users[0].DN, users[1].DN, users[2].DN}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("members %q, want %q (and no placeholder)", got, want)
	}
}
