package identity_test

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// readCounter is a directory that counts the users read by ref.
type readCounter struct {
	directory.Directory
	reads atomic.Int64
}

func (r *readCounter) GetUser(ctx context.Context, ref directory.Ref) (*directory.User, error) {
	r.reads.Add(1)
	return r.Directory.GetUser(ctx, ref)
}

// TestScopedTargetByDNNeedsNoRead: a caller limited to subtrees (or to
// itself) naming a user by DN is authorized on the DN alone, without
// reading the user first. A refusal still reads, so that a DN naming
// nothing stays ErrNotFound rather than ErrForbidden.
func TestScopedTargetByDNNeedsNoRead(t *testing.T) {
	const base = "dc=example,dc=com"
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, base)
	dir := &readCounter{Directory: env.Dir}
	dom := identity.NewDomain(identity.DomainConfig{Name: "example.com"}, dir, nil, slog.New(slog.DiscardHandler))
	ctx := t.Context()
	people, sales := "ou=people,"+base, "ou=sales,"+base
	if _, err := env.Dir.CreateOU(ctx, directory.NewOU{ParentDN: base, Name: "sales"}); err != nil {
		t.Fatal(err)
	}
	u, err := env.Dir.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: "alice", Surname: "A"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := env.Dir.CreateUser(ctx, directory.NewUser{ParentDN: sales, Username: "bob", Surname: "B"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := env.Dir.CreateGroup(ctx, directory.NewGroup{ParentDN: "ou=groups," + base, Name: "staff",
		Members: []directory.PrincipalRef{directory.UserRef(directory.ByID(u.ID))}})
	if err != nil {
		t.Fatal(err)
	}

	for _, scope := range []identity.Scope{{Subtrees: []string{people}}, {Self: u.DN}} {
		c := identity.Caller{Name: "scoped", Scope: scope}
		dir.reads.Store(0)
		ms, err := dom.MemberOf(ctx, c, directory.UserRef(directory.ByDN(u.DN)), true)
		if err != nil {
			t.Fatalf("%+v: MemberOf(own DN): %v", scope, err)
		}
		if !slices.ContainsFunc(ms, func(m directory.Membership) bool { return m.Group.ID == g.ID }) {
			t.Errorf("%+v: MemberOf = %+v, want the group %s", scope, ms, g.Name)
		}
		if n := dir.reads.Load(); n != 0 {
			t.Errorf("%+v: %d user reads to authorize a DN inside the scope, want 0", scope, n)
		}
		_, err = dom.MemberOf(ctx, c, directory.UserRef(directory.ByDN(other.DN)), true)
		if !errors.Is(err, identity.ErrForbidden) {
			t.Errorf("%+v: MemberOf(a DN outside) = %v, want ErrForbidden", scope, err)
		}
		_, err = dom.MemberOf(ctx, c, directory.UserRef(directory.ByDN("uid=nobody,"+sales)), true)
		if !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("%+v: MemberOf(a missing DN outside) = %v, want ErrNotFound", scope, err)
		}
	}
	// Inside the subtree, a DN naming nothing is ErrNotFound from the
	// directory itself.
	c := identity.Caller{Name: "scoped", Scope: identity.Scope{Subtrees: []string{people}}}
	if _, err := dom.MemberOf(ctx, c, directory.UserRef(directory.ByDN("uid=nobody,"+people)), true); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("MemberOf(a missing DN inside) = %v, want ErrNotFound", err)
	}
}
