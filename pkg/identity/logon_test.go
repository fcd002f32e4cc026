package identity_test

import (
	"errors"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/inproc"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/embedded"
	"github.com/dirgate/dirgate/pkg/identity"
)

// TestLogonFailuresAreOneError: an unknown user, a wrong password, and a
// disabled or locked account with a wrong or even the right password are
// all ErrInvalidCredentials to the caller of Authenticate, ChangePassword
// and RefuseLogon — never ErrNotFound, ErrAccountDisabled or
// ErrAccountLocked, which an adapter would put in other words.
func TestLogonFailuresAreOneError(t *testing.T) {
	const base = "dc=example,dc=com"
	env := inproc.New(t, identity.DomainConfig{Name: "example.com"}, base, func(c *embedded.Config) { c.LockoutThreshold = 3 })
	ctx := t.Context()
	c := identity.Caller{Name: "test", Dialect: "test"}
	ids := map[string]string{}
	for _, name := range []string{"alice", "dave", "lou"} {
		u, err := env.Dir.CreateUser(ctx, directory.NewUser{ParentDN: "ou=people," + base, Username: name, Surname: name, Password: name + "-Right-Pw-1"})
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = u.ID
	}
	if err := env.Dir.SetEnabled(ctx, directory.ByName("dave"), false); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := env.Dir.VerifyPassword(ctx, directory.ByName("lou"), "wrong"); !errors.Is(err, directory.ErrInvalidCredentials) {
			t.Fatalf("locking lou: %v", err)
		}
	}
	if _, err := env.Dir.VerifyPassword(ctx, directory.ByName("lou"), "lou-Right-Pw-1"); !errors.Is(err, directory.ErrAccountLocked) {
		t.Fatalf("lou is not locked: %v", err)
	}

	calls := map[string]error{}
	for _, name := range []string{"nobody", "alice", "dave", "lou"} {
		_, calls[name+" with a wrong password"] = env.Domain.Authenticate(ctx, c, directory.ByName(name), "Wrong-Pw-1")
	}
	for _, name := range []string{"dave", "lou"} {
		_, calls[name+" with the right password"] = env.Domain.Authenticate(ctx, c, directory.ByName(name), name+"-Right-Pw-1")
		calls[name+" changing with the right password"] = env.Domain.ChangePassword(ctx, c, directory.ByID(ids[name]), name+"-Right-Pw-1", "Brand-New-Pw-9")
	}
	calls["alice changing with a wrong password"] = env.Domain.ChangePassword(ctx, c, directory.ByID(ids["alice"]), "Wrong-Pw-1", "Brand-New-Pw-9")
	calls["RefuseLogon"] = env.Domain.RefuseLogon(ctx, c, "nobody", "Wrong-Pw-1")
	for what, err := range calls {
		if !errors.Is(err, directory.ErrInvalidCredentials) {
			t.Errorf("%s: %v, want ErrInvalidCredentials", what, err)
		}
		for _, tell := range []error{directory.ErrNotFound, directory.ErrAccountDisabled, directory.ErrAccountLocked} {
			if errors.Is(err, tell) {
				t.Errorf("%s: %v is also %v", what, err, tell)
			}
		}
	}
	if _, err := env.Domain.Authenticate(ctx, c, directory.ByName("alice"), "alice-Right-Pw-1"); err != nil {
		t.Errorf("alice with the right password: %v", err)
	}
}
