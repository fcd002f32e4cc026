package privacyidea

import "github.com/dirgate/dirgate/internal/dialect"

// AdminGroups are the groups whose members are admins at POST /auth
// (dialect.AdminGrouper).
func (c *Config) AdminGroups() []string { return c.Admins.Groups }

var _ dialect.AdminGrouper = (*Config)(nil)
