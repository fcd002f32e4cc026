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
// logon, as it would in a directory server.
func (d *Directory) ChangePassword(ctx context.Context, ref directory.Ref, oldPassword, newPassword string) error {
	if newPassword == "" {
		return invalid("the new password is empty")
	}
	checked, err := d.VerifyPassword(ctx, ref, oldPassword)
	if err != nil {
		return err
	}
	hash, err := d.hasher.hash(newPassword)
	if err != nil {
		return err
	}
	return d.write(ctx, func(x *txn) error {
		old, ok := x.s.users[checked.ID]
		if !ok {
			return notFound("user", ref)
		}
		u := old.clone()
		u.Password, u.MustChange, u.Modified = hash, false, d.now()
		x.putUser(u)
		return nil
	})
}

// VerifyPassword checks a password as a logon does. Disabled and locked
// accounts fail whatever the password; a wrong password counts towards
// the lockout. An unknown user takes as long as a wrong password and
// fails the same way, so that a logon tells nothing about who exists.
func (d *Directory) VerifyPassword(ctx context.Context, ref directory.Ref, password string) (*directory.User, error) {
	var id, hash string
	err := d.read(ctx, func(s *state) error {
		u, err := s.user(ref)
		if err != nil {
			return err
		}
		if err := d.loginState(u); err != nil {
			return err
		}
		id, hash = u.ID, u.Password
		return nil
	})
	if errors.Is(err, directory.ErrNotFound) && ref.Valid() {
		d.hasher.dummy(password)
		// Not ErrNotFound: a logon must not tell whether the user exists.
		return nil, fmt.Errorf("%w: %v", directory.ErrInvalidCredentials, err)
	}
	if err != nil {
		return nil, err
	}
	if hash == "" {
		return nil, fmt.Errorf("%w: %s has no password", directory.ErrInvalidCredentials, ref)
	}
	ok := false
	if password != "" {
		var verr error
		if ok, verr = verify(hash, password); verr != nil {
			d.log.Warn("cannot verify a stored password", "user", id, "err", verr)
		}
	} else {
		d.hasher.dummy(password)
	}
	if !ok {
		if err := d.recordFailure(ctx, id, hash); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w: wrong password for %s", directory.ErrInvalidCredentials, ref)
	}
	return d.recordSuccess(ctx, id, hash, ref)
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

// recordSuccess clears the failures of a good logon and returns the user.
// It checks the account again: it may have been disabled or locked, or
// its password changed, since the password was read.
func (d *Directory) recordSuccess(ctx context.Context, id, checkedHash string, ref directory.Ref) (*directory.User, error) {
	var out directory.User
	err := d.write(ctx, func(x *txn) error {
		u, ok := x.s.users[id]
		if !ok {
			return fmt.Errorf("%w: %s was deleted during the logon", directory.ErrInvalidCredentials, ref)
		}
		if u.Password != checkedHash {
			return fmt.Errorf("%w: the password of %s changed during the logon", directory.ErrInvalidCredentials, ref)
		}
		if err := d.loginState(u); err != nil {
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
