package config

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dirgate/dirgate/internal/dialect"
)

// AdminGroups lists the groups whose members an enabled dialect makes
// administrators, each once.
func (c *Config) AdminGroups() []string {
	var out []string
	for _, name := range sortedKeys(c.Dialects) {
		for _, g := range c.adminGroupsOf(name) {
			if !containsFold(out, g) {
				out = append(out, g)
			}
		}
	}
	return out
}

func (c *Config) adminGroupsOf(name string) []string {
	d := c.Dialects[name]
	if a, ok := d.Config.(dialect.AdminGrouper); ok && d.Enabled {
		return a.AdminGroups()
	}
	return nil
}

// validateGroupRights keeps each dialect's rights in that dialect: a
// group a dialect adds users to (Kanboard's app-admin group) must not be
// a group another dialect makes administrators of, or a role in one
// dialect would be an administrator in the others; and no domain's
// default primary group may be an admin group, or every new user would
// be in it.
func (c *Config) validateGroupRights(ps *problems) {
	for _, name := range sortedKeys(c.Dialects) {
		d := c.Dialects[name]
		r, ok := d.Config.(dialect.RoleGranter)
		if !ok || !d.Enabled {
			continue
		}
		for _, g := range r.GrantedGroups() {
			var admins []string
			for _, other := range sortedKeys(c.Dialects) {
				if other != name && containsFold(c.adminGroupsOf(other), g) {
					admins = append(admins, other)
				}
			}
			if len(admins) > 0 {
				ps.addf(join("dialects."+name, "config"), fmt.Sprintf(
					"the role group %q is an admin group of %s: a user given that role through %s would be an administrator there too; give %s groups of its own (nest the admin group inside them to keep its members' role)",
					g, strings.Join(admins, ", "), name, name))
			}
		}
	}
	admins := c.AdminGroups()
	for i, d := range c.Domains {
		if containsFold(admins, d.DefaultGroup) {
			ps.addf(fmt.Sprintf("domains[%d].defaultGroup", i), fmt.Sprintf(
				"%q is an admin group: every user created without a group would be in it; use a plain users group such as dirgate-users", d.DefaultGroup))
		}
	}
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(v string) bool { return strings.EqualFold(v, s) })
}
