package artica

import (
	"strings"
	"testing"
	"time"
)

func TestDefaultConfigIsValid(t *testing.T) {
	if err := DefaultConfig().Validate(); err != nil {
		t.Fatalf("default config: %v", err)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	c := DefaultConfig()
	c.Organizations = []string{"a.com", "b(c)", "a.com"}
	c.AllowFrom = []string{"10.0.0.0/8", "not-a-cidr"}
	c.APIKeys = []APIKey{{Name: "k1", Hash: "sha256:zz"}, {Name: "k1", Key: "short"}, {Key: "0123456789abcdef", Hash: HashKey("x")},
		{Name: "k4", Hash: HashKey("y"), ReadOnly: true, Restore: true}}
	c.Backup = Backup{Interval: 10 * time.Second, Daily: "25:99", Keep: -1}
	c.UsersDN = "ou=users,{suffix}"
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a broken config")
	}
	for _, want := range []string{
		"multipleOrganizations is off", `"b(c)"`, "listed twice", "not-a-cidr",
		"apiKeys[0]: hash", "apiKeys[1]: key", `name "k1" is used twice`, "apiKeys[2]: set hash or key",
		"apiKeys[2]: name is required", "shorter than a minute", "interval or daily", "backup.daily",
		"backup.keep", "apiKeys[3]: a readOnly key cannot have the restore right",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate error lacks %q:\n%v", want, err)
		}
	}
}

func TestValidateMultipleOrganizationsNeedOrgInTemplates(t *testing.T) {
	c := DefaultConfig()
	c.MultipleOrganizations = true
	c.Organizations = []string{"a.com", "b.com"}
	if err := c.Validate(); err != nil {
		t.Fatalf("two organizations with the default layout: %v", err)
	}
	c.GroupsDN = "ou=groups,{suffix}"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "groupsDN: must contain {org}") {
		t.Fatalf("shared groups container accepted: %v", err)
	}
}

func TestExpandTemplateEscapesTheOrganization(t *testing.T) {
	dn, err := expandTemplate(DefaultUsersDN, "example.com", "dc=example,dc=com")
	if err != nil || dn != "ou=users,ou=example.com,dc=organizations,dc=example,dc=com" {
		t.Fatalf("expandTemplate = %q, %v", dn, err)
	}
	if _, err := expandTemplate("users,{suffix}", "x", "dc=example,dc=com"); err == nil {
		t.Fatal("a template that is no DN was accepted")
	}
}
