package kanboard

import (
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/dialect"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := DefaultConfig()
	c.Token = "short"
	c.AuthHeader = "Authorization"
	c.UsersDN = "not a dn"
	c.ManagerGroup = "Kanboard-Admins"
	c.LDAPUsersGroup = " "
	c.MaxBatch = 0
	c.MaxResults = -1
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate() = nil")
	}
	for _, want := range []string{
		"token: must be at least 16 characters",
		`authHeader: "Authorization"`,
		`usersDN: "not a dn" is not a DN`,
		`managerGroup: "Kanboard-Admins" is already the adminGroup`,
		"ldapUsersGroup: is required",
		"maxBatch: must be at least 1",
		"maxResults: must be at least 1",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nmissing %q", err, want)
		}
	}
}

func TestValidateAcceptsNoToken(t *testing.T) {
	c := DefaultConfig()
	c.Token = ""
	if err := c.Validate(); err != nil {
		t.Errorf("an empty token (application mode off) was refused: %v", err)
	}
}

// The quick start's admin group is the gateway's: Kanboard's app-admin
// role stays in Kanboard's own group.
func TestBootstrapGeneratesTokenKeepsKanboardRoleGroups(t *testing.T) {
	c := DefaultConfig()
	section, err := c.Bootstrap(&dialect.Bootstrap{
		AdminUsername: "admin", AdminGroup: "dirgate-admins",
		Secret: func(n int) string { return strings.Repeat("k", n) },
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != strings.Repeat("k", 30) || c.AdminGroup != DefaultAdminGroup {
		t.Errorf("after Bootstrap: token %q, adminGroup %q", c.Token, c.AdminGroup)
	}
	got, _ := section.(map[string]string)
	if got["username"] != "jsonrpc" || got["token"] != c.Token || len(got) != 2 {
		t.Errorf("section = %v", section)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("bootstrapped config is invalid: %v", err)
	}

	// A second bootstrap keeps the saved token.
	kept := c.Token
	if _, err := c.Bootstrap(&dialect.Bootstrap{Secret: func(n int) string { return "other" }}); err != nil || c.Token != kept {
		t.Errorf("Bootstrap replaced an existing token: %q", c.Token)
	}
}
