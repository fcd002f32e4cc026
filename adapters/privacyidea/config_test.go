package privacyidea

import (
	"maps"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/dialect"
)

func validConfig() *Config {
	c := DefaultConfig()
	c.Secret = "0123456789abcdef0123"
	c.Resolvers = map[string]ResolverConfig{"local": {Editable: true}}
	c.Realms = map[string]RealmConfig{"local": {Resolvers: []string{"local"}}}
	return c
}

func TestConfigValidate(t *testing.T) {
	if err := validConfig().Validate(); err != nil {
		t.Fatalf("valid config: %v", err)
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Config)
		want   string
	}{
		{"short secret", func(c *Config) { c.Secret = "short" }, "secret must be at least"},
		{"no resolver", func(c *Config) { c.Resolvers = nil }, "at least one resolver"},
		{"no realm", func(c *Config) { c.Realms = nil }, "at least one realm"},
		{"realm names unknown resolver", func(c *Config) {
			c.Realms["local"] = RealmConfig{Resolvers: []string{"nope"}}
		}, `names resolver "nope"`},
		{"bad uid type", func(c *Config) { c.Resolvers["local"] = ResolverConfig{UIDType: "sid"} }, `uidType "sid"`},
		{"map password", func(c *Config) {
			c.Resolvers["local"] = ResolverConfig{Attributes: map[string]string{"username": "username", "password": "description"}}
		}, `"password" is reserved`},
		{"map uidNumber", func(c *Config) {
			c.Resolvers["local"] = ResolverConfig{Attributes: map[string]string{"username": "username", "uid": "uidNumber"}}
		}, `"uid" maps to "uidNumber"`},
		{"map a power attribute", func(c *Config) {
			c.Resolvers["local"] = ResolverConfig{Attributes: map[string]string{"username": "username", "x": "attr:userPassword"}}
		}, "cannot be mapped"},
		{"no username", func(c *Config) {
			c.Resolvers["local"] = ResolverConfig{Attributes: map[string]string{"username": ""}}
		}, `"username" must be mapped`},
		{"two realms, no default", func(c *Config) {
			c.Realms["other"] = RealmConfig{Resolvers: []string{"local"}}
		}, "defaultRealm is required"},
		{"unknown default realm", func(c *Config) { c.DefaultRealm = "nope" }, `defaultRealm "nope"`},
		{"unknown policy action", func(c *Config) {
			c.Policies = []AdminPolicy{{Name: "p", Actions: []string{"enroll"}}}
		}, `unknown action "enroll"`},
		{"bare admin usernames", func(c *Config) { c.Admins.Users = []string{"root", "alice@corp"} },
			"admins.users lists bare usernames (root, alice@corp); whoever creates a free one of those names would be an admin: " +
				"list each admin's DN under admins.dns"},
		{"bare admin usernames: the way out", func(c *Config) { c.Admins.Users = []string{"root"} }, "make them members of a group listed under admins.groups"},
		{"admin DN that does not parse", func(c *Config) { c.Admins.DNs = []string{"alice"} }, `admins.dns[0]: "alice" is not a DN`},
		{"policy names unknown realm", func(c *Config) {
			c.Policies = []AdminPolicy{{Name: "p", Actions: []string{"userlist"}, Realms: []string{"nope"}}}
		}, `realm "nope" is not configured`},
	} {
		c := validConfig()
		tc.mutate(c)
		err := c.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

// TestConfigAdminDNs: admins by DN (and by group) are accepted.
func TestConfigAdminDNs(t *testing.T) {
	c := validConfig()
	c.Admins = AdminConfig{DNs: []string{"uid=alice,ou=people,dc=example,dc=com"}, Groups: []string{"dirgate-admins"}}
	if err := c.Validate(); err != nil {
		t.Fatalf("admins by DN and group: %v", err)
	}
}

func TestAttributeMapOverridesTheDefault(t *testing.T) {
	attrs, err := compileAttributes(map[string]string{"Title": "title", "phone": "", "email": "userPrincipalName"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range attrs {
		got[a.key] = string(a.field)
	}
	want := map[string]string{"username": "username", "givenname": "givenName", "surname": "surname",
		"email": "userPrincipalName", "mobile": "mobile", "description": "description", "title": "title"}
	if !maps.Equal(got, want) {
		t.Errorf("attributes = %v, want %v", got, want)
	}
}

func TestConfigValidateReportsEveryProblem(t *testing.T) {
	c := &Config{Secret: "x", Realms: map[string]RealmConfig{"a": {}}}
	err := c.Validate()
	for _, want := range []string{"secret", "at least one resolver", `realm "a" has no resolver`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to mention %q", err, want)
		}
	}
}

func TestBootstrapQuickStart(t *testing.T) {
	c := DefaultConfig()
	section, err := c.Bootstrap(&dialect.Bootstrap{
		AdminUsername: "admin", AdminGroup: "dirgate-admins",
		Secret: func(n int) string { return strings.Repeat("s", n) },
	})
	if err != nil || section != nil {
		t.Fatalf("Bootstrap = %v, %v; want nil, nil", section, err)
	}
	if len(c.Secret) != 32 {
		t.Errorf("secret = %q", c.Secret)
	}
	if r := c.Resolvers["local"]; !r.Editable {
		t.Errorf("resolver local = %+v, want editable", r)
	}
	if c.DefaultRealm != "local" || len(c.Realms["local"].Resolvers) != 1 {
		t.Errorf("realms = %+v, default %q", c.Realms, c.DefaultRealm)
	}
	if len(c.Admins.Groups) != 1 || c.Admins.Groups[0] != "dirgate-admins" {
		t.Errorf("admins = %+v", c.Admins)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("bootstrapped config does not validate: %v", err)
	}

	// A second run keeps what is configured.
	before := c.Secret
	if _, err := c.Bootstrap(&dialect.Bootstrap{Secret: func(int) string { return "other" }}); err != nil || c.Secret != before {
		t.Errorf("second bootstrap changed the secret")
	}
}
