package identity

// CheckUsername applies the domain's username rules (and the directory's
// own length limit) without creating or renaming anyone, so a dialect can
// answer "is this name usable?" (the OpenAPI dialect's
// invitations/userNameAvailability) exactly as a create or rename would.
func (d *Domain) CheckUsername(name string) error {
	return checkName("username", name, d.usernameMax())
}
