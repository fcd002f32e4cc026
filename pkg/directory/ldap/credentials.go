package ldap

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// SetPassword sets a password as an administrator: the server hashes it
// and applies its policy.
func (d *Directory) SetPassword(ctx context.Context, ref directory.Ref, password string, mustChange bool) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if password == "" {
		return fmt.Errorf("%w: the password is empty", directory.ErrPasswordPolicy)
	}
	e, err := d.find(ctx, d.userSpec(), ref, d.userAttrs)
	if err != nil {
		return err
	}
	return d.setPasswordOn(ctx, e, password, mustChange)
}

// passwordSetGuard is implemented by account policies whose server lifts
// a lock when an administrator sets a password (OpenLDAP's ppolicy): the
// guard keeps the account shut from before the set until
// afterPasswordSet has put the lock back.
type passwordSetGuard interface {
	beforePasswordSet(before *ldap.Entry) []ldap.Change
	// liftGuard removes the guard when the set failed and nothing else
	// changed.
	liftGuard() []ldap.Change
}

// setPasswordOn sets the password of the user e was read as, then puts
// back the account state the set may have cleared.
func (d *Directory) setPasswordOn(ctx context.Context, e *ldap.Entry, password string, mustChange bool) error {
	g, guarding := d.prof.account.(passwordSetGuard)
	var guard []ldap.Change
	if guarding {
		guard = g.beforePasswordSet(e)
	}
	if len(guard) > 0 {
		if err := d.modify(ctx, e.DN, guard); err != nil {
			return wrap(err, "guarding the account state of "+e.DN)
		}
	}
	err := d.write(ctx, func(c *conn) error { return d.prof.passwords.set(c, e.DN, password) })
	if err != nil {
		if len(guard) > 0 {
			// Nothing changed but the guard: take it away again.
			lctx, cancel := d.deadline(context.WithoutCancel(ctx))
			defer cancel()
			if rerr := d.modify(lctx, e.DN, g.liftGuard()); rerr != nil {
				d.log.Error("ldap: could not lift the password-set guard; the account stays shut", "dn", e.DN, "error", rerr)
			}
		}
		return passwordError(err, "setting the password of "+e.DN)
	}
	if err := d.modify(ctx, e.DN, d.prof.account.afterPasswordSet(e, mustChange)); err != nil {
		return wrap(err, "restoring the account state of "+e.DN)
	}
	return nil
}

// passwordError maps the failure of a password operation: the server
// refusing a value is its policy speaking.
func passwordError(err error, what string) error {
	if ours(err) {
		return err // the profile said what it means
	}
	switch {
	case isCode(err, ldap.LDAPResultConstraintViolation, ldap.LDAPResultInvalidAttributeSyntax):
		return wrapAs(directory.ErrPasswordPolicy, err, what)
	case isCode(err, ldap.LDAPResultInvalidCredentials):
		return wrapAs(directory.ErrInvalidCredentials, err, what)
	}
	return wrap(err, what)
}

// ChangePassword changes a user's own password: it binds as the user with
// the old password on a connection of the bind pool and changes it there,
// so the server checks both as it would for the user.
func (d *Directory) ChangePassword(ctx context.Context, ref directory.Ref, oldPassword, newPassword string) error {
	start := time.Now()
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	if newPassword == "" {
		return fmt.Errorf("%w: the new password is empty", directory.ErrPasswordPolicy)
	}
	u, e, err := d.userForBind(ctx, ref)
	if err == nil {
		err = d.prebind(u)
	}
	if err != nil {
		if refusedLogon(err) {
			d.decoyBind(ctx, start, oldPassword)
		}
		return err
	}
	if oldPassword == "" {
		return fmt.Errorf("%w: no old password", directory.ErrInvalidCredentials)
	}
	var bindErr, changeErr error
	var resp []ldap.Control
	err = d.binds.call(ctx, true, func(c *conn) error {
		res, err := d.userBind(c, start, e.DN, oldPassword)
		if res != nil {
			resp = res.Controls
		}
		if err != nil {
			if isNetwork(err) {
				return err
			}
			bindErr = err
			return nil
		}
		changeErr = d.prof.passwords.change(c, e.DN, oldPassword, newPassword)
		if isNetwork(changeErr) {
			return changeErr
		}
		return nil
	})
	if err != nil {
		return wrap(err, "changing the password of "+e.DN)
	}
	if err := d.prof.account.verify(u, bindErr, resp); err != nil {
		return err
	}
	if bindErr != nil {
		// The profile took a refused bind for a right password (AD: it
		// must be changed before the user may bind). The change, which
		// carries the old password, goes over a service connection:
		// AD lets anyone who knows the old password change it.
		changeErr = d.write(ctx, func(c *conn) error { return d.prof.passwords.change(c, e.DN, oldPassword, newPassword) })
	}
	if changeErr != nil {
		return passwordError(changeErr, "changing the password of "+e.DN)
	}
	// A user's own change ends must-change (ppolicy does so too; servers
	// without it need telling).
	if u.MustChangePassword {
		if err := d.modify(ctx, e.DN, d.prof.account.setMustChange(e, false)); err != nil {
			return wrap(err, "clearing must-change on "+e.DN)
		}
	}
	return nil
}

// VerifyPassword checks a password by binding as the user on a connection
// of the bind pool, so that the server counts failures and locks the
// account itself.
func (d *Directory) VerifyPassword(ctx context.Context, ref directory.Ref, password string) (*directory.User, error) {
	start := time.Now()
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	u, e, err := d.userForBind(ctx, ref)
	if err == nil {
		err = d.prebind(u)
	}
	if err != nil {
		if refusedLogon(err) {
			d.decoyBind(ctx, start, password)
		}
		return nil, err
	}
	if password == "" {
		// An empty password is an unauthenticated bind, which "succeeds".
		return nil, fmt.Errorf("%w: empty password", directory.ErrInvalidCredentials)
	}
	var bindErr error
	var resp []ldap.Control
	err = d.binds.call(ctx, true, func(c *conn) error {
		res, err := d.userBind(c, start, e.DN, password)
		if res != nil {
			resp = res.Controls
		}
		if isNetwork(err) {
			return err
		}
		bindErr = err
		return nil
	})
	if err != nil {
		return nil, wrap(err, "verifying the password of "+e.DN)
	}
	if err := d.prof.account.verify(u, bindErr, resp); err != nil {
		return nil, err
	}
	// The server let the user in: whatever lock it had is over.
	u.Lock = directory.LockState{}
	return u, nil
}

// refusedLogon: the logon is refused before its bind because of who the
// user is (no such user, disabled, locked), not because the directory
// failed.
func refusedLogon(err error) bool {
	return errors.Is(err, directory.ErrInvalidCredentials) || errors.Is(err, directory.ErrAccountDisabled) ||
		errors.Is(err, directory.ErrAccountLocked)
}

// userForBind reads the user a bind is for.
func (d *Directory) userForBind(ctx context.Context, ref directory.Ref) (*directory.User, *ldap.Entry, error) {
	e, err := d.find(ctx, d.userSpec(), ref, d.userAttrs)
	if err != nil {
		if isNotFound(err) {
			// A logon names a user that does not exist: to the caller that
			// is a wrong login, and must not say which part was wrong.
			return nil, nil, fmt.Errorf("%w: %w", directory.ErrInvalidCredentials, err)
		}
		return nil, nil, err
	}
	u := d.toUser(e)
	return &u, e, nil
}

// prebind refuses a disabled or locked account whatever the password,
// without a bind that would count as a failure (the caller binds a decoy
// instead, for the time).
func (d *Directory) prebind(u *directory.User) error {
	if !u.Enabled {
		return fmt.Errorf("%w: %s", directory.ErrAccountDisabled, u.DN)
	}
	if u.Lock.Locked {
		return fmt.Errorf("%w: %s", directory.ErrAccountLocked, u.DN)
	}
	return nil
}

// SetEnabled enables or disables an account.
func (d *Directory) SetEnabled(ctx context.Context, ref directory.Ref, enabled bool) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.userSpec(), ref, d.userAttrs)
	if err != nil {
		return err
	}
	if err := d.modify(ctx, e.DN, d.prof.account.setEnabled(e, enabled)); err != nil {
		return wrap(err, "changing whether "+e.DN+" is enabled")
	}
	return nil
}

// Unlock clears a temporary lock and the failure count. slapd only lets
// the failure count go under the Relax control, which the service account
// may not be allowed to use; then the lock alone is cleared (and earlier
// failures count until the policy's failure interval forgets them).
func (d *Directory) Unlock(ctx context.Context, ref directory.Ref) error {
	ctx, cancel := d.deadline(ctx)
	defer cancel()
	e, err := d.find(ctx, d.userSpec(), ref, d.userAttrs)
	if err != nil {
		return err
	}
	forms := d.prof.account.unlock(e)
	if len(d.prof.account.unlockControls()) == 0 {
		for _, changes := range forms[:min(len(forms), 1)] {
			if err := d.modify(ctx, e.DN, changes); err != nil {
				return wrap(err, "unlocking "+e.DN)
			}
		}
		return nil
	}
	if !d.noRelax.Load() && len(forms) > 0 && len(forms[0]) > 0 {
		err := d.modify(ctx, e.DN, forms[0], d.prof.account.unlockControls()...)
		if err == nil {
			return nil
		}
		if !isCode(err, ldap.LDAPResultInsufficientAccessRights, ldap.LDAPResultUnwillingToPerform,
			ldap.LDAPResultUnavailableCriticalExtension, ldap.LDAPResultConstraintViolation) {
			return wrap(err, "unlocking "+e.DN)
		}
		d.log.Warn("ldap: the server refused to clear the failure count (Relax control); unlocking without", "dn", e.DN, "err", err)
		d.noRelax.Store(true)
	}
	if len(forms) > 1 {
		if err := d.modify(ctx, e.DN, forms[1]); err != nil {
			return wrap(err, "unlocking "+e.DN)
		}
	}
	return nil
}
