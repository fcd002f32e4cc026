package directorytest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

var credentialTests = []test{
	{"Passwords", testPasswords},
	{"MustChangePassword", testMustChangePassword},
	{"EnableDisable", testEnableDisable},
	{"Lockout", testLockout},
}

// verifyOK checks that password logs the user on and returns the user.
func (e *env) verifyOK(t *testing.T, ref directory.Ref, password, id string) *directory.User {
	t.Helper()
	u, err := e.dir.VerifyPassword(t.Context(), ref, password)
	if err != nil {
		t.Fatalf("VerifyPassword(%s) with the right password: %v", ref, err)
	}
	if u == nil || u.ID != id {
		t.Fatalf("VerifyPassword(%s) returned %v, want the user with ID %q", ref, u, id)
	}
	return u
}

// verifyFails checks that a logon with password fails with want.
func (e *env) verifyFails(t *testing.T, what string, ref directory.Ref, password string, want error) {
	t.Helper()
	u, err := e.dir.VerifyPassword(t.Context(), ref, password)
	wantErr(t, "VerifyPassword "+what, err, want)
	if u != nil && err != nil {
		t.Errorf("VerifyPassword %s returned a user with the error", what)
	}
}

// noSecret fails the test when a user value shows a password.
func noSecret(t *testing.T, what string, u *directory.User, passwords ...string) {
	t.Helper()
	if u == nil {
		return
	}
	shown := fmt.Sprintf("%+v", *u)
	for _, p := range passwords {
		if strings.Contains(shown, p) {
			t.Errorf("%s: the user value shows a password", what)
		}
	}
}

func testPasswords(t *testing.T, e *env) {
	ctx := t.Context()
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "pw"), Password: password1})
	noSecret(t, "CreateUser", u, password1)
	ref := directory.ByID(u.ID)

	got := e.verifyOK(t, directory.ByName(u.Username), password1, u.ID)
	noSecret(t, "VerifyPassword", got, password1)
	if got.MustChangePassword {
		t.Error("VerifyPassword: MustChangePassword set on a user created without it")
	}
	// Wrong passwords fail; a logon after each keeps the failure count
	// under any lockout threshold above 1.
	e.verifyFails(t, "with a wrong password", ref, password2, directory.ErrInvalidCredentials)
	e.verifyOK(t, ref, password1, u.ID)
	e.verifyFails(t, "with an empty password", ref, "", directory.ErrInvalidCredentials)
	e.verifyOK(t, ref, password1, u.ID)
	e.verifyFails(t, "with the password in upper case", ref, strings.ToUpper(password1), directory.ErrInvalidCredentials)
	e.verifyOK(t, directory.ByDN(otherSpelling(u.DN)), password1, u.ID)

	// An administrator sets a password.
	must(t, "SetPassword", e.dir.SetPassword(ctx, directory.ByDN(otherSpelling(u.DN)), password2, false))
	e.verifyFails(t, "with the password before SetPassword", ref, password1, directory.ErrInvalidCredentials)
	e.verifyOK(t, ref, password2, u.ID)

	// The user changes it: the old one must be right.
	wantErr(t, "ChangePassword with a wrong old password",
		e.dir.ChangePassword(ctx, ref, password1, password3), directory.ErrInvalidCredentials)
	e.verifyOK(t, ref, password2, u.ID)
	must(t, "ChangePassword", e.dir.ChangePassword(ctx, directory.ByName(u.Username), password2, password3))
	e.verifyFails(t, "with the password before ChangePassword", ref, password2, directory.ErrInvalidCredentials)
	e.verifyOK(t, ref, password3, u.ID)

	// An empty password is never set.
	wantErrOneOf(t, "SetPassword with an empty password", e.dir.SetPassword(ctx, ref, "", false),
		directory.ErrInvalidInput, directory.ErrPasswordPolicy)
	e.verifyOK(t, ref, password3, u.ID)

	// A user without a password cannot log on at all.
	nopw := e.mkUser(t, directory.NewUser{Username: e.name(t, "np")})
	e.verifyFails(t, "of a user without password", directory.ByID(nopw.ID), password1, directory.ErrInvalidCredentials)
	e.verifyFails(t, "of a user without password, empty password", directory.ByID(nopw.ID), "", directory.ErrInvalidCredentials)

	// Unknown users: a logon may not tell whether the user exists.
	unknown := directory.ByName(e.name(t, "nx"))
	_, err := e.dir.VerifyPassword(ctx, unknown, password1)
	wantErrOneOf(t, "VerifyPassword(unknown user)", err, directory.ErrNotFound, directory.ErrInvalidCredentials)
	wantErrOneOf(t, "ChangePassword(unknown user)", e.dir.ChangePassword(ctx, unknown, password1, password2),
		directory.ErrNotFound, directory.ErrInvalidCredentials)
	wantErr(t, "SetPassword(unknown user)", e.dir.SetPassword(ctx, unknown, password1, false), directory.ErrNotFound)
}

func testMustChangePassword(t *testing.T, e *env) {
	ctx := t.Context()
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "mc"), Password: password1, MustChangePassword: true})
	other := e.mkUser(t, directory.NewUser{Username: e.name(t, "mo"), Password: password1})
	ref := directory.ByID(u.ID)
	if !u.MustChangePassword || !e.getUser(t, ref).MustChangePassword {
		t.Error("a user created with MustChangePassword does not have it")
	}
	// The logon succeeds and says so: the caller decides what follows.
	if got := e.verifyOK(t, ref, password1, u.ID); !got.MustChangePassword {
		t.Error("VerifyPassword of a user who must change the password: MustChangePassword not set")
	}
	sameSet(t, "search mustChangePassword=true", usernames(e.searchUsers(t, directory.Query{
		Filter: directory.BoolEq(directory.FieldMustChange, true),
	}).Items), []string{u.Username})

	must(t, "ChangePassword", e.dir.ChangePassword(ctx, ref, password1, password2))
	if e.getUser(t, ref).MustChangePassword {
		t.Error("ChangePassword did not clear MustChangePassword")
	}
	if got := e.verifyOK(t, ref, password2, u.ID); got.MustChangePassword {
		t.Error("VerifyPassword after ChangePassword: MustChangePassword still set")
	}

	must(t, "SetPassword(mustChange)", e.dir.SetPassword(ctx, ref, password3, true))
	if got := e.verifyOK(t, ref, password3, u.ID); !got.MustChangePassword {
		t.Error("SetPassword(mustChange=true) did not set MustChangePassword")
	}
	must(t, "SetPassword", e.dir.SetPassword(ctx, ref, password1, false))
	if got := e.verifyOK(t, ref, password1, u.ID); got.MustChangePassword {
		t.Error("SetPassword(mustChange=false) did not clear MustChangePassword")
	}
	if e.getUser(t, directory.ByID(other.ID)).MustChangePassword {
		t.Error("another user got MustChangePassword")
	}
}

func testEnableDisable(t *testing.T, e *env) {
	ctx := t.Context()
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "en"), Password: password1})
	other := e.mkUser(t, directory.NewUser{Username: e.name(t, "eo")})
	ref := directory.ByName(u.Username)

	must(t, "SetEnabled(false)", e.dir.SetEnabled(ctx, ref, false))
	got := e.getUser(t, ref)
	if got.Enabled || got.Active() {
		t.Errorf("after SetEnabled(false): Enabled %v, Active %v", got.Enabled, got.Active())
	}
	e.verifyFails(t, "of a disabled user", ref, password1, directory.ErrAccountDisabled)
	find := func(enabled bool) []string {
		return usernames(e.searchUsers(t, directory.Query{Filter: directory.BoolEq(directory.FieldEnabled, enabled)}).Items)
	}
	sameSet(t, "search enabled=false", find(false), []string{u.Username})
	sameSet(t, "search enabled=true", find(true), []string{other.Username})

	must(t, "SetEnabled(false) again", e.dir.SetEnabled(ctx, ref, false))
	must(t, "Unlock of a disabled user", e.dir.Unlock(ctx, ref))
	if e.getUser(t, ref).Enabled {
		t.Error("Unlock enabled a disabled account")
	}

	must(t, "SetEnabled(true)", e.dir.SetEnabled(ctx, directory.ByDN(otherSpelling(u.DN)), true))
	if got := e.getUser(t, ref); !got.Enabled || !got.Active() {
		t.Errorf("after SetEnabled(true): Enabled %v, Active %v", got.Enabled, got.Active())
	}
	e.verifyOK(t, ref, password1, u.ID)

	created := e.mkUser(t, directory.NewUser{Username: e.name(t, "ed"), Password: password1, Disabled: true})
	e.verifyFails(t, "of a user created disabled", directory.ByID(created.ID), password1, directory.ErrAccountDisabled)
	must(t, "SetEnabled(true) of a user created disabled", e.dir.SetEnabled(ctx, directory.ByID(created.ID), true))
	e.verifyOK(t, directory.ByID(created.ID), password1, created.ID)

	wantErr(t, "SetEnabled(unknown user)", e.dir.SetEnabled(ctx, directory.ByID(randomUUID()), false), directory.ErrNotFound)
}

func testLockout(t *testing.T, e *env) {
	n := e.caps.LockoutThreshold
	if n == 0 {
		t.Skip("capability LockoutThreshold=0: the backend does not lock accounts after failed logons")
	}
	ctx := t.Context()
	u := e.mkUser(t, directory.NewUser{Username: e.name(t, "lk"), Password: password1})
	other := e.mkUser(t, directory.NewUser{Username: e.name(t, "lo"), Password: password1})
	ref := directory.ByID(u.ID)
	wrong := func(what string) {
		t.Helper()
		e.verifyFails(t, what, ref, password2, directory.ErrInvalidCredentials)
	}

	// A successful logon resets the count of failures.
	for round := range 2 {
		for i := range n - 1 {
			wrong(fmt.Sprintf("wrong password %d of %d (round %d)", i+1, n-1, round))
		}
		e.verifyOK(t, ref, password1, u.ID)
	}

	// n failures in a row lock the account, whatever the password.
	for i := range n - 1 {
		wrong(fmt.Sprintf("wrong password %d of %d", i+1, n))
	}
	_, err := e.dir.VerifyPassword(ctx, ref, password2)
	wantErrOneOf(t, fmt.Sprintf("VerifyPassword: wrong password %d of %d", n, n), err,
		directory.ErrInvalidCredentials, directory.ErrAccountLocked)
	e.verifyFails(t, "of a locked account with the right password", ref, password1, directory.ErrAccountLocked)
	got := e.getUser(t, ref)
	if !got.Lock.Locked || got.Lock.Reason != directory.LockTooManyFailures || got.Active() || !got.Enabled {
		t.Errorf("locked user: Lock %+v, Active %v, Enabled %v; want locked for %q, inactive, enabled",
			got.Lock, got.Active(), got.Enabled, directory.LockTooManyFailures)
	}
	sameSet(t, "search locked=true", usernames(e.searchUsers(t, directory.Query{
		Filter: directory.BoolEq(directory.FieldLocked, true),
	}).Items), []string{u.Username})
	e.verifyOK(t, directory.ByID(other.ID), password1, other.ID)

	// Unlock clears the lock and the failures.
	must(t, "Unlock", e.dir.Unlock(ctx, directory.ByName(u.Username)))
	if got := e.getUser(t, ref); got.Lock.Locked || !got.Active() {
		t.Errorf("after Unlock: Lock %+v, Active %v", got.Lock, got.Active())
	}
	e.verifyOK(t, ref, password1, u.ID)
	for i := range n - 1 {
		wrong(fmt.Sprintf("wrong password %d of %d after Unlock", i+1, n-1))
	}
	e.verifyOK(t, ref, password1, u.ID)

	must(t, "Unlock of an unlocked user", e.dir.Unlock(ctx, ref))
	wantErr(t, "Unlock(unknown user)", e.dir.Unlock(ctx, directory.ByID(randomUUID())), directory.ErrNotFound)
}
