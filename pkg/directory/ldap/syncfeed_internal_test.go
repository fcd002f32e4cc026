package ldap

import (
	"strings"
	"testing"
)

// TestSyncFeedNeverAsksForPasswords: the read model's stream asks for the
// attributes the mappings read, never a password or its hash
// (docs/security.md, "Read model"), even with every extra attribute the
// tests configure.
func TestSyncFeedNeverAsksForPasswords(t *testing.T) {
	d := openOnPrivateSlapd(t, func(c *Config) { c.ExtraAttributes = []string{"employeeNumber", "departmentNumber"} })
	f, err := d.ReadModelFeed()
	if err != nil {
		t.Fatal(err)
	}
	attrs := f.(*syncFeed).attrs()
	for _, a := range attrs {
		if strings.EqualFold(a, d.attrs.get(attrPassword)) || strings.EqualFold(a, "userPassword") ||
			a == "*" || a == "+" {
			t.Errorf("the stream asks for %q (all: %v)", a, attrs)
		}
	}
	if len(attrs) == 0 {
		t.Fatal("the stream asks for no attribute")
	}
}
