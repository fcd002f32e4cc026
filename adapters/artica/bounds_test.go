package artica

import (
	"strings"
	"testing"
)

func TestListAnswersAreBounded(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxResults = 2 })
	h.ok("POST", "/openldap/members", seedCreate) // and the organization's default group
	h.ok("POST", "/openldap/groups", seedGroup)   // accountants, with jdupont in it
	var listed []group
	h.data(h.ok("GET", "/openldap/groups?ou=example.com", ""), &listed)
	if len(listed) != 2 {
		t.Fatalf("two groups at a bound of 2: %+v", listed)
	}
	h.ok("POST", "/openldap/groups", `{"name":"auditors","ou":"example.com","uid":"jdupont"}`)
	h.refused("GET", "/openldap/groups?ou=example.com", "", "more than 2 entries")

	h.ok("POST", "/openldap/groups", `{"name":"clerks","ou":"example.com","uid":"jdupont"}`)
	h.refused("GET", "/openldap/members/jdupont/groups", "", "more than 2 entries")
}

func TestNegativeMaxResultsIsRefused(t *testing.T) {
	c := DefaultConfig()
	c.MaxResults = -1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "maxResults: must not be negative") {
		t.Errorf("Validate() = %v", err)
	}
}
