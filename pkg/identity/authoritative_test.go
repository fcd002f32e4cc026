package identity_test

import (
	"context"
	"errors"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// lagging is the real embedded store seen through a copy that has not
// yet heard of anything (a read model behind another replica's write),
// except for reads marked directory.Authoritative, which reach the store.
type lagging struct {
	directory.Directory
}

func (l *lagging) GetUser(ctx context.Context, ref directory.Ref) (*directory.User, error) {
	if !directory.IsAuthoritative(ctx) && (ref.Kind == directory.RefName || ref.Kind == directory.RefNumber) {
		return nil, directory.ErrNotFound
	}
	return l.Directory.GetUser(ctx, ref)
}

func (l *lagging) SearchUsers(ctx context.Context, q directory.Query) (directory.Page[directory.User], error) {
	if !directory.IsAuthoritative(ctx) {
		return directory.Page[directory.User]{}, nil
	}
	return l.Directory.SearchUsers(ctx, q)
}

// TestChecksThatDecideAWriteAskTheDirectory: the core's checks that a
// home directory, a uid number or a new name is free ask the directory
// itself, so a copy that lags another replica's write cannot let a
// second user take what the first has.
func TestChecksThatDecideAWriteAskTheDirectory(t *testing.T) {
	cfg := identity.DomainConfig{Name: "example.com", HomeDirectory: "/home/%s"}
	env := inproc.New(t, cfg, testBase)
	ctx := t.Context()
	// A home given by hand that the next user's name would derive.
	first, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "first", HomeDirectory: "/home/second", UIDNumber: 7001})
	if err != nil {
		t.Fatal(err)
	}
	dom := identity.NewDomain(cfg, &lagging{Directory: env.Dir}, identity.NewAuditLog(nil), env.Log)

	second, err := dom.CreateUser(ctx, admin, directory.NewUser{Username: "second"})
	if err != nil {
		t.Fatal(err)
	}
	if second.HomeDirectory == first.HomeDirectory {
		t.Errorf("the second user got the first's home %s", second.HomeDirectory)
	}
	n := first.UIDNumber
	if _, err := dom.UpdateUser(ctx, admin, directory.ByID(second.ID), directory.UserPatch{UIDNumber: &n}); !errors.Is(err, directory.ErrAlreadyExists) {
		t.Errorf("an update taking the first user's uid number: %v, want ErrAlreadyExists", err)
	}
	if _, err := dom.CreateUser(ctx, admin, directory.NewUser{Username: "third", UIDNumber: n}); !errors.Is(err, directory.ErrAlreadyExists) {
		t.Errorf("a create taking the first user's uid number: %v, want ErrAlreadyExists", err)
	}
}
