package dialect

// AdminGrouper is implemented by dialect configs that make the members of
// some groups (nested groups included) administrators of the dialect.
// The configuration checks that no other dialect hands those groups out,
// and that new users' default primary group is none of them.
type AdminGrouper interface {
	AdminGroups() []string
}

// RoleGranter is implemented by dialect configs whose calls add users to
// groups named in the configuration (Kanboard's role groups). A role
// granted there must stay that dialect's: such a group must not be
// another dialect's admin group.
type RoleGranter interface {
	GrantedGroups() []string
}
