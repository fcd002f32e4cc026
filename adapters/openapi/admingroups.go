package openapi

import "github.com/dirgate/dirgate/internal/dialect"

// AdminGroups is the group whose members are admins (dialect.AdminGrouper).
func (c *Config) AdminGroups() []string {
	if c.AdminGroup == "" {
		return nil
	}
	return []string{c.AdminGroup}
}

var _ dialect.AdminGrouper = (*Config)(nil)
