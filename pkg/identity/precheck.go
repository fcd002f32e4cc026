package identity

import "github.com/dirgate/dirgate/pkg/directory"

// Prechecks apply the core's rules without changing anything, for dialects
// whose clients ask before they act (the OpenAPI dialect's
// invitations/userNameAvailability and password validation endpoints).
// They answer exactly what a create, rename or password change would.

// CheckUsername applies the domain's username rules and the directory's
// own length limit.
func (d *Domain) CheckUsername(name string) error {
	return checkName("username", name, d.usernameMax())
}

// ValidatePasswordFor checks a new password of an existing user against
// the policy, with the user's own names as the personal information it
// must not contain.
func (d *Domain) ValidatePasswordFor(u *directory.User, password string) error {
	return d.cfg.PasswordPolicy.Check(password, personalInfo(u)...)
}
