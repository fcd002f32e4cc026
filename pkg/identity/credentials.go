package identity

import (
	"context"

	"github.com/dirgate/dirgate/pkg/directory"
)

// ValidatePassword checks a password against the domain's policy without
// setting it. personal holds values it must not contain (username, display
// name, email), used when the policy rejects personal information.
func (d *Domain) ValidatePassword(password string, personal ...string) error {
	return d.cfg.PasswordPolicy.Check(password, personal...)
}

// personalInfo lists what a user's password must not contain.
func personalInfo(u *directory.User) []string {
	return []string{u.Username, u.DisplayName, u.GivenName, u.Surname, u.Mail}
}

// checkPasswordFor applies the policy to a new password of the user ref
// names; the user is read only when the policy needs its names.
func (d *Domain) checkPasswordFor(ctx context.Context, ref directory.Ref, password string) error {
	if !d.cfg.PasswordPolicy.RejectPersonalInfo {
		return d.cfg.PasswordPolicy.Check(password)
	}
	u, err := d.dir.GetUser(ctx, ref)
	if err != nil {
		return err
	}
	return d.cfg.PasswordPolicy.Check(password, personalInfo(u)...)
}

// SetPassword sets a user's password as an administrator.
func (d *Domain) SetPassword(ctx context.Context, c Caller, ref directory.Ref, password string, mustChange bool) error {
	ref, target, err := d.userTarget(ctx, c, OpPasswordSet, ref)
	if err != nil {
		return d.finish(c, OpPasswordSet, target, err)
	}
	if err := d.checkPasswordFor(ctx, ref, password); err != nil {
		return d.finish(c, OpPasswordSet, target, err)
	}
	return d.finish(c, OpPasswordSet, target, d.dir.SetPassword(ctx, ref, password, mustChange))
}

// ResetPassword generates a password that meets the policy, sets it with
// must-change, and returns it (AD-web passwordreset).
func (d *Domain) ResetPassword(ctx context.Context, c Caller, ref directory.Ref) (string, error) {
	ref, target, err := d.userTarget(ctx, c, OpPasswordSet, ref)
	if err != nil {
		return "", d.finish(c, OpPasswordSet, target, err)
	}
	password, err := d.cfg.PasswordPolicy.Generate()
	if err != nil {
		return "", d.finish(c, OpPasswordSet, target, err)
	}
	if err := d.dir.SetPassword(ctx, ref, password, true); err != nil {
		return "", d.finish(c, OpPasswordSet, target, err)
	}
	return password, d.finish(c, OpPasswordSet, target, nil)
}

// ChangePassword changes a user's own password, checking the old one.
func (d *Domain) ChangePassword(ctx context.Context, c Caller, ref directory.Ref, oldPassword, newPassword string) error {
	ref, target, err := d.userTarget(ctx, c, OpPasswordChange, ref)
	if err != nil {
		return d.finish(c, OpPasswordChange, target, err)
	}
	if err := d.checkPasswordFor(ctx, ref, newPassword); err != nil {
		return d.finish(c, OpPasswordChange, target, err)
	}
	// The old password is verified as a logon is: throttled the same way.
	check, err := d.beginPasswordCheck(ctx, c, ref)
	if err != nil {
		return d.finish(c, OpPasswordChange, target, err)
	}
	err = d.dir.ChangePassword(ctx, ref, oldPassword, newPassword)
	endPasswordCheck(check, err)
	return d.finish(c, OpPasswordChange, target, err)
}

// Authenticate verifies a user's password as a logon does (failures count
// towards the lockout) and returns the user. See
// directory.Credentials.VerifyPassword for the errors; a user who must
// change the password is returned with MustChangePassword set.
func (d *Domain) Authenticate(ctx context.Context, c Caller, ref directory.Ref, password string) (*directory.User, error) {
	if !ref.Valid() {
		return nil, invalid("username", "is required")
	}
	if password == "" {
		// An empty password would be an anonymous bind on LDAP, which
		// "succeeds": never let it through.
		return nil, directory.ErrInvalidCredentials
	}
	if err := c.Scope.allows(OpPasswordVerify, ""); err != nil {
		return nil, err
	}
	check, err := d.beginPasswordCheck(ctx, c, ref)
	if err != nil {
		return nil, err
	}
	u, err := d.dir.VerifyPassword(ctx, ref, password)
	endPasswordCheck(check, err)
	if err != nil {
		return nil, d.finish(c, OpPasswordVerify, ref.String(), err)
	}
	return u, nil
}

// SetEnabled enables or disables an account.
func (d *Domain) SetEnabled(ctx context.Context, c Caller, ref directory.Ref, enabled bool) error {
	op := OpUserDisable
	if enabled {
		op = OpUserEnable
	}
	ref, target, err := d.userTarget(ctx, c, op, ref)
	if err != nil {
		return d.finish(c, op, target, err)
	}
	return d.finish(c, op, target, d.dir.SetEnabled(ctx, ref, enabled))
}

// Unlock clears a temporary lock and the failed-logon count.
func (d *Domain) Unlock(ctx context.Context, c Caller, ref directory.Ref) error {
	ref, target, err := d.userTarget(ctx, c, OpUserUnlock, ref)
	if err != nil {
		return d.finish(c, OpUserUnlock, target, err)
	}
	return d.finish(c, OpUserUnlock, target, d.dir.Unlock(ctx, ref))
}
