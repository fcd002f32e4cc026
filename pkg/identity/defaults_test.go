package identity_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

const testBase = "dc=example,dc=com"

var admin = identity.Caller{Name: "test", Dialect: "test"}

// TestNewUserGetsThePlainUsersGroup: the admin group made first takes
// the first gid of the range, which used to be every new user's primary
// group; a user created without a group now gets dirgate-users.
func TestNewUserGetsThePlainUsersGroup(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com", AdminGroups: []string{"dirgate-admins"}}, testBase)
	ctx := t.Context()
	admins, err := env.Domain.CreateGroup(ctx, admin, directory.NewGroup{Name: "dirgate-admins"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "plain"})
	if err != nil {
		t.Fatal(err)
	}
	users, err := env.Domain.GetGroup(ctx, admin, directory.ByName(identity.DefaultUsersGroup))
	if err != nil {
		t.Fatalf("the default group was not created: %v", err)
	}
	if u.GIDNumber != users.GIDNumber || u.GIDNumber == admins.GIDNumber {
		t.Fatalf("new user's gidNumber %d; want dirgate-users' %d, never dirgate-admins' %d", u.GIDNumber, users.GIDNumber, admins.GIDNumber)
	}
	if !directory.IsUnder(users.DN, "ou=groups,"+testBase) {
		t.Errorf("dirgate-users was made at %s, not in the groups container", users.DN)
	}
}

// TestDefaultGIDOfAnAdminGroupIsRefused: a configured defaultGIDNumber
// that is an admin group's stops dirgate at start and refuses creates.
func TestDefaultGIDOfAnAdminGroupIsRefused(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	ctx := t.Context()
	admins, err := env.Domain.CreateGroup(ctx, admin, directory.NewGroup{Name: "Dirgate-Admins"})
	if err != nil {
		t.Fatal(err)
	}
	cfg := identity.DomainConfig{Name: "example.com", DefaultGIDNumber: admins.GIDNumber, AdminGroups: []string{"dirgate-admins"}}
	dom := identity.NewDomain(cfg, env.Dir, nil, nil)
	if err := dom.CheckDefaultGroup(ctx); !errors.Is(err, identity.ErrMisconfigured) {
		t.Errorf("CheckDefaultGroup = %v, want ErrMisconfigured", err)
	}
	_, err = dom.CreateUser(ctx, admin, directory.NewUser{Username: "nobody"})
	if !errors.Is(err, identity.ErrMisconfigured) {
		t.Fatalf("CreateUser = %v, want ErrMisconfigured", err)
	}
	if _, err := env.Dir.GetUser(ctx, directory.ByName("nobody")); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("the refused user exists: %v", err)
	}
	// A user given a group explicitly is the caller's choice.
	if _, err := dom.CreateUser(ctx, admin, directory.NewUser{Username: "chosen", GIDNumber: admins.GIDNumber}); err != nil {
		t.Errorf("an explicit gidNumber: %v", err)
	}
}

// TestDerivedHomesAreNeverShared: names that differ only in characters a
// path cannot hold get homes of their own, and a derived home another
// user holds (one renamed away from the name) is not handed out again.
func TestDerivedHomesAreNeverShared(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	ctx := t.Context()
	homes := map[string]string{}
	for _, name := range []string{"j_doe", "j@doe", "j:doe", "j doe", "j+doe", "j/doe"} {
		u, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: name})
		if err != nil {
			t.Fatalf("create %q: %v", name, err)
		}
		if other, dup := homes[u.HomeDirectory]; dup {
			t.Errorf("%q and %q share the home %s", name, other, u.HomeDirectory)
		}
		homes[u.HomeDirectory] = name
	}
	if u, _ := env.Domain.GetUser(ctx, admin, directory.ByName("j_doe")); u.HomeDirectory != "/home/j_doe" {
		t.Errorf("j_doe's home is %s, want /home/j_doe", u.HomeDirectory)
	}

	// john keeps /home/j_doe: a new j_doe gets its name's digest added.
	if _, err := env.Domain.RenameUser(ctx, admin, directory.ByName("j_doe"), "john"); err != nil {
		t.Fatal(err)
	}
	again, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "j_doe"})
	if err != nil {
		t.Fatal(err)
	}
	if again.HomeDirectory == "/home/j_doe" || !strings.HasPrefix(again.HomeDirectory, "/home/j_doe-") || homes[again.HomeDirectory] != "" {
		t.Fatalf("the new j_doe's home is %s: shared or not derived from its name", again.HomeDirectory)
	}
	// Both taken (the second j_doe renamed away too): refused.
	if _, err := env.Domain.RenameUser(ctx, admin, directory.ByID(again.ID), "jd2"); err != nil {
		t.Fatal(err)
	}
	_, err = env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "j_doe"})
	if !errors.Is(err, directory.ErrAlreadyExists) || !strings.Contains(err.Error(), again.HomeDirectory) {
		t.Fatalf("a third j_doe while john and jd2 keep both its homes: %v, want ErrAlreadyExists naming the home", err)
	}
	if _, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "j_doe", HomeDirectory: "/home/j_doe3"}); err != nil {
		t.Errorf("with a home of its own: %v", err)
	}
}

// TestInviteeGetsTheHomeOfItsName: accepting an invitation under a name
// of one's choosing moves the placeholder's home to that name's.
func TestInviteeGetsTheHomeOfItsName(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	ctx := t.Context()
	u, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "invited-0a1b2c3d4e5f", Disabled: true,
		InvitationPending: true, InvitationExpiry: time.Now().Add(time.Hour).UTC().Truncate(time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if u.HomeDirectory != "/home/invited-0a1b2c3d4e5f" {
		t.Fatalf("placeholder home %s", u.HomeDirectory)
	}
	got, err := env.Domain.ModifyUser(ctx, admin, directory.ByID(u.ID), identity.UserChange{
		Patch:  directory.UserPatch{InvitationPending: directory.Ptr(false)},
		Rename: directory.Ptr("maria"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.HomeDirectory != "/home/maria" {
		t.Errorf("after accepting as maria the home is %s, want /home/maria", got.HomeDirectory)
	}
	// A renamed user who is no invitee keeps its home, as usermod -l does.
	renamed, err := env.Domain.ModifyUser(ctx, admin, directory.ByID(u.ID), identity.UserChange{Rename: directory.Ptr("maria2")})
	if err != nil || renamed.HomeDirectory != "/home/maria" {
		t.Errorf("renaming maria: home %v, %v; want /home/maria kept", renamed, err)
	}
}

// TestRestoreNeedsTheRestoreRight: a scope without Restore, even
// unrestricted, cannot import; with it the audit line counts what the
// import added and replaced.
func TestRestoreNeedsTheRestoreRight(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	ctx := t.Context()
	if _, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "kept", Description: "before"}); err != nil {
		t.Fatal(err)
	}
	gone, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "gone"})
	if err != nil {
		t.Fatal(err)
	}
	var backup bytes.Buffer
	if _, err := env.Domain.Export(ctx, admin, &backup); err != nil {
		t.Fatal(err)
	}
	if err := env.Domain.DeleteUser(ctx, admin, directory.ByID(gone.ID)); err != nil {
		t.Fatal(err)
	}
	if _, err := env.Domain.UpdateUser(ctx, admin, directory.ByName("kept"), directory.UserPatch{Description: directory.Ptr("after")}); err != nil {
		t.Fatal(err)
	}

	_, err = env.Domain.Import(ctx, admin, bytes.NewReader(backup.Bytes()), true)
	if !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("Import without the restore right = %v, want ErrForbidden", err)
	}
	if _, err := env.Dir.GetUser(ctx, directory.ByName("gone")); !errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("a refused restore brought the user back: %v", err)
	}

	restorer := admin
	restorer.Scope.Restore = true
	n, err := env.Domain.Import(ctx, restorer, bytes.NewReader(backup.Bytes()), true)
	if err != nil {
		t.Fatal(err)
	}
	if n.Added != 1 || n.Replaced < 1 {
		t.Errorf("Import = %+v, want the deleted user added and the changed one replaced", n)
	}
	var last identity.AuditEvent
	lines := strings.Split(strings.TrimSpace(env.Audit.String()), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Operation != identity.OpBackupImport || last.Outcome != "success" || last.Entries == nil ||
		last.Entries.Added != n.Added || last.Entries.Replaced != n.Replaced || last.Entries.Deleted != 0 {
		t.Errorf("audit line of the restore: %s", lines[len(lines)-1])
	}
	if !strings.Contains(lines[len(lines)-2], `"operation":"backup.import","target":"`+testBase+`","outcome":"failure","error":"forbidden"`) {
		t.Errorf("the refused restore's audit line: %s", lines[len(lines)-2])
	}
}

// TestCreateMemberRetryCompletesWhatItStarted: the state a process killed
// between a member's create and its group link leaves is completed by
// the same create retried; a different password, or a create that had
// completed, stays "already exists".
func TestCreateMemberRetryCompletesWhatItStarted(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	ctx := t.Context()
	g, err := env.Domain.CreateGroup(ctx, admin, directory.NewGroup{Name: "staff"})
	if err != nil {
		t.Fatal(err)
	}
	in := directory.NewUser{Username: "half", GIDNumber: g.GIDNumber, Password: "Half-done-42"}
	// The first step alone: what a SIGKILL before the link leaves.
	if _, err := env.Domain.CreateUser(ctx, admin, in); err != nil {
		t.Fatal(err)
	}
	isMember := func() bool {
		ok, err := env.Domain.IsMember(ctx, directory.ByName("half"), "staff")
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}

	wrong := in
	wrong.Password = "Someone-else-42"
	if _, err := env.Domain.CreateMember(ctx, admin, wrong, directory.ByID(g.ID)); !errors.Is(err, directory.ErrAlreadyExists) {
		t.Fatalf("a retry with another password = %v, want ErrAlreadyExists", err)
	}
	if isMember() {
		t.Fatal("a create with the wrong password linked the user")
	}
	if err := env.Domain.Unlock(ctx, admin, directory.ByName("half")); err != nil {
		t.Fatal(err)
	}
	u, err := env.Domain.CreateMember(ctx, admin, in, directory.ByID(g.ID))
	if err != nil {
		t.Fatalf("the retry: %v", err)
	}
	if !isMember() || u.GIDNumber != g.GIDNumber {
		t.Fatalf("after the retry: member %v, gid %d", isMember(), u.GIDNumber)
	}
	if _, err := env.Domain.CreateMember(ctx, admin, in, directory.ByID(g.ID)); !errors.Is(err, directory.ErrAlreadyExists) {
		t.Errorf("creating a complete member again = %v, want ErrAlreadyExists", err)
	}
}

// TestDefaultGroupMakesItsContainer: a directory without the groups
// container gets it (an OU) with the default group; a container that is
// no OU is not made, and the create fails as misconfigured, never as a
// missing container of the request's.
func TestDefaultGroupMakesItsContainer(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	ctx := t.Context()
	teams := identity.NewDomain(identity.DomainConfig{Name: "example.com", GroupsDN: "ou=teams," + testBase}, env.Dir, nil, nil)
	u, err := teams.CreateUser(ctx, admin, directory.NewUser{Username: "first"})
	if err != nil {
		t.Fatal(err)
	}
	g, err := env.Dir.GetGroup(ctx, directory.ByName(identity.DefaultUsersGroup))
	if err != nil || g.GIDNumber != u.GIDNumber || !directory.EqualDN(g.DN, "cn=dirgate-users,ou=teams,"+testBase) {
		t.Fatalf("default group %+v, %v; user's gid %d", g, err, u.GIDNumber)
	}

	other := identity.NewDomain(identity.DomainConfig{Name: "example.com", GroupsDN: "cn=nowhere," + testBase,
		DefaultGroup: "plain"}, env.Dir, nil, nil)
	_, err = other.CreateUser(ctx, admin, directory.NewUser{Username: "second"})
	if !errors.Is(err, identity.ErrMisconfigured) || errors.Is(err, directory.ErrNotFound) {
		t.Fatalf("CreateUser without a groups container = %v, want ErrMisconfigured only", err)
	}
}

// TestDefaultGroupOnceUnderConcurrentCreates: users created at once on a
// fresh domain share one default group.
func TestDefaultGroupOnceUnderConcurrentCreates(t *testing.T) {
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, testBase)
	ctx := t.Context()
	const n = 8
	gids := make(chan int64, n)
	errs := make(chan error, n)
	for i := range n {
		go func() {
			u, err := env.Domain.CreateUser(ctx, admin, directory.NewUser{Username: "c" + string(rune('a'+i))})
			if err != nil {
				errs <- err
				return
			}
			gids <- u.GIDNumber
		}()
	}
	var first int64
	for range n {
		select {
		case err := <-errs:
			t.Fatal(err)
		case gid := <-gids:
			if first == 0 {
				first = gid
			}
			if gid != first {
				t.Errorf("gidNumbers %d and %d: more than one default group", first, gid)
			}
		}
	}
	p, err := env.Dir.SearchGroups(ctx, directory.Query{Filter: directory.Eq(directory.FieldName, identity.DefaultUsersGroup)})
	if err != nil || p.Total != 1 {
		t.Errorf("%d groups named dirgate-users, %v", p.Total, err)
	}
}
