package config

import (
	"strings"
	"testing"
)

// adminDialect and roleDialect stand for a dialect that makes a group's
// members admins (OpenAPI) and one that hands roles out through groups
// (Kanboard).
type adminDialect struct {
	fakeDialect
	group string
}

func (a *adminDialect) AdminGroups() []string { return []string{a.group} }

type roleDialect struct {
	adminDialect
	granted []string
}

func (r *roleDialect) GrantedGroups() []string { return r.granted }

func groupRightsProblems(c *Config) string {
	var ps problems
	c.validateGroupRights(&ps)
	if err := ps.err(); err != nil {
		return err.Error()
	}
	return ""
}

// TestRoleGroupMustNotBeAnotherDialectsAdminGroup: Kanboard granting
// app-admin through the gateway's admin group would make OpenAPI admins.
func TestRoleGroupMustNotBeAnotherDialectsAdminGroup(t *testing.T) {
	c := &Config{
		Domains: []Domain{NewDomain("example.com", Backend{Type: "fake"})},
		Dialects: map[string]Dialect{
			"openapi": {Enabled: true, Config: &adminDialect{group: "dirgate-admins"}},
			"kanboard": {Enabled: true, Config: &roleDialect{adminDialect: adminDialect{group: "Dirgate-Admins"},
				granted: []string{"Dirgate-Admins", "kanboard-managers"}}},
		},
	}
	got := groupRightsProblems(c)
	if !strings.Contains(got, "dialects.kanboard.config") || !strings.Contains(got, `"Dirgate-Admins" is an admin group of openapi`) {
		t.Errorf("problems: %q", got)
	}
	c.Dialects["kanboard"].Config.(*roleDialect).granted[0] = "kanboard-admins"
	c.Dialects["kanboard"].Config.(*roleDialect).group = "kanboard-admins"
	if got := groupRightsProblems(c); got != "" {
		t.Errorf("Kanboard's own groups were refused: %q", got)
	}
	// A disabled dialect grants nothing.
	c.Dialects["kanboard"].Config.(*roleDialect).granted[0] = "dirgate-admins"
	d := c.Dialects["openapi"]
	d.Enabled = false
	c.Dialects["openapi"] = d
	if got := groupRightsProblems(c); got != "" {
		t.Errorf("a disabled dialect's admin group counted: %q", got)
	}
}

// TestDefaultGroupMustNotBeAnAdminGroup: every user created without a
// group would be an administrator.
func TestDefaultGroupMustNotBeAnAdminGroup(t *testing.T) {
	dom := NewDomain("example.com", Backend{Type: "fake"})
	if dom.DefaultGroup != "dirgate-users" {
		t.Errorf("default group %q, want dirgate-users", dom.DefaultGroup)
	}
	dom.DefaultGroup = "DIRGATE-ADMINS"
	c := &Config{
		Domains:  []Domain{dom},
		Dialects: map[string]Dialect{"openapi": {Enabled: true, Config: &adminDialect{group: "dirgate-admins"}}},
	}
	if got := groupRightsProblems(c); !strings.Contains(got, "domains[0].defaultGroup") {
		t.Errorf("problems: %q", got)
	}
}
