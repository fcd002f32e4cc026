package identity_test

import (
	"errors"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestModifyUserSetsAccountState: a UserChange's Enabled disables and
// enables the account together with the other changes, is authorized as
// user.disable / user.enable, and a refused part leaves the account state
// as it was.
func TestModifyUserSetsAccountState(t *testing.T) {
	const base = "dc=example,dc=com"
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, base)
	ctx := t.Context()
	u, err := env.Domain.CreateUser(ctx, inproc.System, directory.NewUser{Username: "state"})
	if err != nil {
		t.Fatal(err)
	}
	ref := directory.ByID(u.ID)

	got, err := env.Domain.ModifyUser(ctx, inproc.System, ref, identity.UserChange{
		Patch: directory.UserPatch{DisplayName: directory.Ptr("Off")}, Enabled: directory.Ptr(false),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got.Enabled || got.DisplayName != "Off" {
		t.Fatalf("after disabling: enabled %v, displayName %q", got.Enabled, got.DisplayName)
	}

	onlyDisable := inproc.System
	onlyDisable.Scope.Operations = []identity.Operation{identity.OpUserUpdate, identity.OpUserDisable}
	_, err = env.Domain.ModifyUser(ctx, onlyDisable, ref, identity.UserChange{Enabled: directory.Ptr(true)})
	if !errors.Is(err, identity.ErrForbidden) {
		t.Fatalf("enabling without user.enable: %v, want ErrForbidden", err)
	}

	// A password the policy refuses fails the whole change before any write.
	_, err = env.Domain.ModifyUser(ctx, inproc.System, ref, identity.UserChange{
		Enabled: directory.Ptr(true), Password: directory.Ptr("x"),
	})
	if !errors.Is(err, directory.ErrPasswordPolicy) {
		t.Fatalf("short password: %v, want ErrPasswordPolicy", err)
	}
	if again, _ := env.Dir.GetUser(ctx, ref); again.Enabled {
		t.Fatal("a refused change enabled the account")
	}

	got, err = env.Domain.ModifyUser(ctx, inproc.System, ref, identity.UserChange{Enabled: directory.Ptr(true)})
	if err != nil || !got.Enabled {
		t.Fatalf("enabling: %v, enabled %v", err, got != nil && got.Enabled)
	}
}
