package ldap_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// TestMemberOfSearches counts the searches a nested MemberOf sends,
// through a proxy, and checks that every way of asking gives the same
// answer. A user named by DN is not read first: the walk's first search
// returns its entry too. With memberOf mapped (slapd's memberof overlay
// keeps it), the walk goes on only from groups that belong to a group,
// so the usual user, whose groups nest in nothing, costs one search.
func TestMemberOfSearches(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS})
	px := newCutter(t, srv.URL)
	plain := config(srv, slapd.GroupOfNames)
	plain.URLs = []string{px.url()}
	kept := plain
	kept.Attributes = map[string]string{"memberOf": "memberOf"}
	dirs := map[string]*ldap.Directory{"plain": open(t, plain), "memberOf": open(t, kept)}

	base := srv.FreshOU(t)
	ctx := t.Context()
	d := dirs["plain"]
	user := func(name string) *directory.User {
		u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: base, Username: name, Surname: "S"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	group := func(name string, members ...directory.PrincipalRef) *directory.Group {
		g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: base, Name: name, Members: members})
		if err != nil {
			t.Fatal(err)
		}
		return g
	}
	flat, nested, alone := user("flat"), user("nested"), user("alone")
	group("flatgroup", directory.UserRef(directory.ByID(flat.ID)))
	low := group("low", directory.UserRef(directory.ByID(nested.ID)))
	mid := group("mid", directory.GroupRef(directory.ByID(low.ID)))
	group("top", directory.GroupRef(directory.ByID(mid.ID)))
	missing := directory.ChildDN("uid", "nobody", base)

	cases := []struct {
		name  string
		dir   string
		ref   directory.Ref
		want  []string
		reads int64 // searches sent
	}{
		// Before: the user read, then one search per depth (the last
		// finding nothing).
		{"by id", "plain", directory.ByID(flat.ID), []string{"flatgroup:direct"}, 3},
		{"by DN", "plain", directory.ByDN(flat.DN), []string{"flatgroup:direct"}, 2},
		{"by DN, memberOf", "memberOf", directory.ByDN(flat.DN), []string{"flatgroup:direct"}, 1},
		{"by id, memberOf", "memberOf", directory.ByID(flat.ID), []string{"flatgroup:direct"}, 2},
		{"by DN in another case", "memberOf", directory.ByDN(strings.ToUpper(flat.DN)), []string{"flatgroup:direct"}, 1},
		// low and mid belong to groups, top to none.
		{"nested by DN", "plain", directory.ByDN(nested.DN), []string{"low:direct", "mid:indirect", "top:indirect"}, 4},
		{"nested by DN, memberOf", "memberOf", directory.ByDN(nested.DN), []string{"low:direct", "mid:indirect", "top:indirect"}, 3},
		{"no groups by DN", "plain", directory.ByDN(alone.DN), nil, 1},
		{"no groups by DN, memberOf", "memberOf", directory.ByDN(alone.DN), nil, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			px.resetCounts()
			ms, err := dirs[c.dir].MemberOf(ctx, directory.UserRef(c.ref), true)
			if err != nil {
				t.Fatal(err)
			}
			if n := px.requests(tagSearchRequest); n != c.reads {
				t.Errorf("%d searches, want %d", n, c.reads)
			}
			var got []string
			for _, m := range ms {
				kind := "indirect"
				if m.Direct {
					kind = "direct"
				}
				got = append(got, m.Group.Name+":"+kind)
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("MemberOf = %v, want %v", got, c.want)
			}
		})
	}

	// A DN naming no user, or a group, is ErrNotFound as before.
	for name, d := range dirs {
		for _, dn := range []string{missing, low.DN, "uid=x,dc=elsewhere"} {
			if _, err := d.MemberOf(ctx, directory.UserRef(directory.ByDN(dn)), true); !errors.Is(err, directory.ErrNotFound) {
				t.Errorf("%s: MemberOf(user %s) = %v, want ErrNotFound", name, dn, err)
			}
		}
	}
}
