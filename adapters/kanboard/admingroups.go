package kanboard

import "github.com/dirgate/dirgate/internal/dialect"

// AdminGroups is the app-admin group: its members may call every
// procedure (dialect.AdminGrouper).
func (c *Config) AdminGroups() []string { return []string{c.AdminGroup} }

// GrantedGroups are the groups createUser, updateUser and createLdapUser
// add users to (dialect.RoleGranter): they must be Kanboard's own.
func (c *Config) GrantedGroups() []string {
	return []string{c.AdminGroup, c.ManagerGroup, c.LDAPUsersGroup}
}

var (
	_ dialect.AdminGrouper = (*Config)(nil)
	_ dialect.RoleGranter  = (*Config)(nil)
)
