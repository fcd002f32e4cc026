package embedded

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// SetPassword sets a password as an administrator: no old password, and
// must-change as asked. It does not unlock the account.
func (d *Directory) SetPassword(ctx context.Context, ref directory.Ref, password string, mustChange bool) error {
	if password == "" {
		return invalid("the password is empty")
	}
	if err := ctx.Err(); err != nil {
		return unavailable(err)
	}
	hash, err := d.hasher.hash(password)
	if err != nil {
		return err
	}
	return d.write(ctx, func(x *txn) error {
		old, err := x.s.user(ref)
		if err != nil {
			return err
		}
		u := old.clone()
		u.Password, u.MustChange, u.Modified = hash, mustChange, d.now()
		x.putUser(u)
		return nil
	})
}

// ChangePassword changes a user's own password after checking the old
// one, and clears must-change. A wrong old password counts as a failed
// logon, as it would in a directory server. The new password is stored only
// if the one checked is still the user's: a concurrent change wins.
func (d *Directory) ChangePassword(ctx context.Context, ref directory.Ref, oldPassword, newPassword string) error {
	if newPassword == "" {
		return invalid("the new password is empty")
	}
	id, checked, err := d.checkPassword(ctx, ref, oldPassword)
	if err != nil {
		return err
	}
	hash, err := d.hasher.hash(newPassword)
	if err != nil {
		return err
	}
	return d.write(ctx, func(x *txn) error {
		old, err := d.stillValid(x.s, id, checked, ref)
		if err != nil {
			return err
		}
		u := old.clone()
		u.Password, u.MustChange, u.Modified = hash, false, d.now()
		u.Failures, u.LockedAt, u.LockReason = nil, time.Time{}, ""
		x.putUser(u)
		return nil
	})
}

// VerifyPassword checks a password as a logon does. Disabled and locked
// accounts fail whatever the password; a wrong password counts towards
// the lockout. An unknown user takes as long as a wrong password and
// fails the same way, so that a logon tells nothing about who exists; a
// disabled or locked account takes as long too (the core answers all four
// alike).
func (d *Directory) VerifyPassword(ctx context.Context, ref directory.Ref, password string) (*directory.User, error) {
	id, checked, err := d.checkPassword(ctx, ref, password)
	if err != nil {
		return nil, err
	}
	var out directory.User
	err = d.write(ctx, func(x *txn) error {
		u, err := d.stillValid(x.s, id, checked, ref)
		if err != nil {
			return err
		}
		if len(u.Failures) > 0 || !u.LockedAt.IsZero() {
			u = u.clone()
			u.Failures, u.LockedAt, u.LockReason = nil, time.Time{}, ""
			x.putUser(u)
		}
		out = u.model(d.now(), d.lockout.duration)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// checkPassword verifies password against the user's hash, outside any
// lock (hashing is slow on purpose), and counts a failure. It returns the
// user's id and the hash that matched. Every way it can fail — no such
// user, no password, a hash it cannot read, a disabled or locked account,
// a wrong password — costs one verification; those that count no failure
// then wait as long as counting one takes (d.pace), so that the time of a
// logon tells nothing about the account.
func (d *Directory) checkPassword(ctx context.Context, ref directory.Ref, password string) (id, hash string, err error) {
	var refused error
	err = d.read(ctx, func(s *state) error {
		u, err := s.user(ref)
		if err != nil {
			return err
		}
		id, hash, refused = u.ID, u.Password, d.loginState(u)
		return nil
	})
	if errors.Is(err, directory.ErrNotFound) && ref.Valid() {
		d.hasher.dummy(password)
		d.pace.WaitOut(ctx, time.Now())
		// Not ErrNotFound: a logon must not tell whether the user exists.
		return "", "", fmt.Errorf("%w: %v", directory.ErrInvalidCredentials, err)
	}
	if err != nil {
		return "", "", err
	}
	ok := d.matches(id, hash, password)
	hashed := time.Now()
	if refused != nil {
		// Checked all the same, for the time; not counted: a disabled or
		// locked account takes no failures.
		d.pace.WaitOut(ctx, hashed)
		return "", "", refused
	}
	if hash == "" {
		d.pace.WaitOut(ctx, hashed)
		return "", "", fmt.Errorf("%w: %s has no password", directory.ErrInvalidCredentials, ref)
	}
	if !ok {
		if err := d.recordFailure(ctx, id, hash); err != nil {
			return "", "", err
		}
		d.pace.WrongPassword(hashed)
		return "", "", fmt.Errorf("%w: wrong password for %s", directory.ErrInvalidCredentials, ref)
	}
	return id, hash, nil
}

// matches reports whether password matches the stored hash. Where there is
// nothing to check (no hash, a hash it cannot read, no password) it spends
// a verification's work all the same.
func (d *Directory) matches(id, hash, password string) bool {
	if hash != "" && password != "" {
		ok, err := verify(hash, password)
		if err == nil {
			return ok
		}
		d.log.Warn("cannot verify a stored password", "user", id, "err", err)
	}
	d.hasher.dummy(password)
	return false
}

// stillValid re-reads a user whose password checked out: it may have been
// deleted, disabled or locked, or its password changed, meanwhile.
func (d *Directory) stillValid(s *state, id, checked string, ref directory.Ref) (*userRec, error) {
	u, ok := s.users[id]
	switch {
	case !ok:
		return nil, fmt.Errorf("%w: %s was deleted during the logon", directory.ErrInvalidCredentials, ref)
	case u.Password != checked:
		return nil, fmt.Errorf("%w: the password of %s changed during the logon", directory.ErrInvalidCredentials, ref)
	}
	return u, d.loginState(u)
}

// loginState refuses a logon of a disabled or locked account.
func (d *Directory) loginState(u *userRec) error {
	if u.Disabled {
		return fmt.Errorf("%w: %s", directory.ErrAccountDisabled, u.Username)
	}
	if ls := u.lockState(d.now(), d.lockout.duration); ls.Locked {
		return fmt.Errorf("%w: %s since %s", directory.ErrAccountLocked, u.Username, ls.Since.Format(time.RFC3339))
	}
	return nil
}

// recordFailure counts a failed logon and locks the account when the
// failures reach the threshold.
func (d *Directory) recordFailure(ctx context.Context, id, checkedHash string) error {
	if d.lockout.threshold == 0 {
		return nil
	}
	return d.write(ctx, func(x *txn) error {
		old, ok := x.s.users[id]
		if !ok || old.Password != checkedHash {
			return nil // deleted, or the password changed meanwhile
		}
		now := d.now()
		u := old.clone()
		if !u.LockedAt.IsZero() && !u.lockState(now, d.lockout.duration).Locked {
			u.LockedAt, u.LockReason, u.Failures = time.Time{}, "", nil // an expired lock starts afresh
		}
		u.Failures = append(u.Failures, now)
		if len(u.Failures) > d.lockout.threshold {
			u.Failures = u.Failures[len(u.Failures)-d.lockout.threshold:]
		}
		if len(u.Failures) >= d.lockout.threshold && u.LockedAt.IsZero() {
			u.LockedAt, u.LockReason = now, directory.LockTooManyFailures
			d.log.Info("account locked after failed logons", "user", u.Username, "failures", len(u.Failures))
		}
		x.putUser(u)
		return nil
	})
}

// SetEnabled enables or disables the account.
func (d *Directory) SetEnabled(ctx context.Context, ref directory.Ref, enabled bool) error {
	return d.write(ctx, func(x *txn) error {
		old, err := x.s.user(ref)
		if err != nil {
			return err
		}
		if old.Disabled == !enabled {
			return nil
		}
		u := old.clone()
		u.Disabled, u.Modified = !enabled, d.now()
		x.putUser(u)
		return nil
	})
}

// Unlock clears a lock and the failed logons; a disabled account stays
// disabled.
func (d *Directory) Unlock(ctx context.Context, ref directory.Ref) error {
	return d.write(ctx, func(x *txn) error {
		old, err := x.s.user(ref)
		if err != nil {
			return err
		}
		if old.LockedAt.IsZero() && len(old.Failures) == 0 {
			return nil
		}
		u := old.clone()
		u.LockedAt, u.LockReason, u.Failures, u.Modified = time.Time{}, "", nil, d.now()
		x.putUser(u)
		return nil
	})
}
