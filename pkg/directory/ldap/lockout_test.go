package ldap_test

import (
	"errors"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// TestLockoutFollowsThePolicy: the threshold and duration come from the
// server's ppolicy entry; slapd locks after that many failures; the lock
// says when it ends, Unlock lifts it, and it lifts itself after the
// duration.
func TestLockoutFollowsThePolicy(t *testing.T) {
	srv := slapd.Start(t, slapd.Options{Disable: slapd.TLS, Lockout: 4, LockoutDuration: 2 * time.Second})
	d := open(t, config(srv, slapd.GroupOfNames))
	if got := d.Capabilities().LockoutThreshold; got != 4 {
		t.Fatalf("LockoutThreshold = %d, want the policy's 4", got)
	}
	base := srv.FreshOU(t)
	const pw = "Right-Password-1"
	u, err := d.CreateUser(t.Context(), directory.NewUser{ParentDN: base, Username: "locky", Surname: "x", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	ref := directory.ByID(u.ID)
	lockOut := func() {
		t.Helper()
		for i := range 4 {
			if _, err := d.VerifyPassword(t.Context(), ref, "wrong"); !errors.Is(err, directory.ErrInvalidCredentials) {
				t.Fatalf("wrong password %d: %v", i+1, err)
			}
		}
		if _, err := d.VerifyPassword(t.Context(), ref, pw); !errors.Is(err, directory.ErrAccountLocked) {
			t.Fatalf("right password on a locked account: %v, want ErrAccountLocked", err)
		}
	}

	lockOut()
	got, err := d.GetUser(t.Context(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Lock.Locked || got.Lock.Reason != directory.LockTooManyFailures || !got.Enabled {
		t.Errorf("Lock = %+v, Enabled %v", got.Lock, got.Enabled)
	}
	if d := got.Lock.Until.Sub(got.Lock.Since); d != 2*time.Second {
		t.Errorf("Lock lasts %v (Since %v, Until %v), want the policy's 2s", d, got.Lock.Since, got.Lock.Until)
	}
	if err := d.Unlock(t.Context(), ref); err != nil {
		t.Fatal(err)
	}
	if _, err := d.VerifyPassword(t.Context(), ref, pw); err != nil {
		t.Fatalf("after Unlock: %v", err)
	}

	// Locked again, it opens by itself once the duration has passed
	// (pwdAccountLockedTime has a precision of one second).
	lockOut()
	time.Sleep(3 * time.Second)
	if got, _ := d.GetUser(t.Context(), ref); got.Lock.Locked {
		t.Errorf("after the lockout duration the account still shows locked: %+v", got.Lock)
	}
	if _, err := d.VerifyPassword(t.Context(), ref, pw); err != nil {
		t.Errorf("after the lockout duration: %v", err)
	}
}
