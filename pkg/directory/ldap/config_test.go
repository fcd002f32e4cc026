package ldap_test

import (
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

func TestConfigValidateReportsEveryProblem(t *testing.T) {
	c := ldap.NewConfig()
	c.URLs = []string{"http://x", "ldaps://ok:636"}
	c.TLS.StartTLS = true
	c.BindDN = "not a dn"
	c.PoolSize = 0
	c.Profile = "novell"
	c.GroupModel = "ldapGroups"
	c.Sort = "sometimes"
	c.Referrals = "chase"
	c.ExtraAttributes = []string{"ok", "bad attr"}
	c.TLS.MinVersion = "1.0"
	c.ObjectClasses = map[string][]string{"computer": {"x"}}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad block")
	}
	for _, want := range []string{
		"urls[0]", "urls[1]: tls.startTLS", "bindDN", "bindPassword", "poolSize", "profile", "groupModel",
		"sort", "referrals", "extraAttributes[1]", "tls.minVersion", "objectClasses.computer",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate does not report %s:\n%v", want, err)
		}
	}
}

func TestConfigDefaultsAreValid(t *testing.T) {
	c := ldap.NewConfig()
	c.URLs = []string{"ldap://localhost", "ldapi://%2Fvar%2Frun%2Fslapd%2Fldapi"}
	c.BindDN, c.BindPassword = "cn=dirgate,dc=example,dc=com", "secret"
	c.Attributes = map[string]string{"externalId": "employeeNumber", "userPrincipalName": ""}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	c.Attributes = map[string]string{"nosuch": "x"}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "attributes.nosuch") {
		t.Errorf("an unknown model attribute: %v", err)
	}
}

func TestPasswordInAddIsForExtendedOperationProfiles(t *testing.T) {
	c := ldap.NewConfig()
	c.URLs = []string{"ldaps://dc.example.com"}
	c.BindDN, c.BindPassword = "cn=dirgate,dc=example,dc=com", "secret"
	c.PasswordInAdd = true
	if err := c.Validate(); err != nil {
		t.Fatalf("openldap with passwordInAdd: %v", err)
	}
	c.Profile = "ad"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "passwordInAdd") {
		t.Errorf("ad with passwordInAdd: %v, want a problem naming passwordInAdd", err)
	}
}

func TestConfigRefusesSecurityBearingExtraAttributes(t *testing.T) {
	c := ldap.NewConfig()
	c.URLs = []string{"ldaps://dc.example.com"}
	c.BindDN, c.BindPassword = "cn=dirgate,dc=example,dc=com", "secret"
	c.ExtraAttributes = []string{"department", "unicodePwd", "msDS-KeyCredentialLink", "userPassword"}
	err := c.Validate()
	for _, want := range []string{"extraAttributes[1]", "extraAttributes[2]", "extraAttributes[3]"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate does not refuse %s: %v", want, err)
		}
	}
	if err != nil && strings.Contains(err.Error(), "extraAttributes[0]") {
		t.Errorf("Validate refuses department: %v", err)
	}
}

// TestConfigReadModel: readModel is on or off; the ad profile has no
// change stream yet, and says so instead of starting without one.
func TestConfigReadModel(t *testing.T) {
	c := ldap.NewConfig()
	c.URLs = []string{"ldap://localhost"}
	if c.ReadModel != "off" {
		t.Fatalf("readModel defaults to %q, want off", c.ReadModel)
	}
	c.ReadModel = "on"
	if err := c.Validate(); err != nil {
		t.Fatalf("readModel on with openldap: %v", err)
	}
	c.ReadModel = "yes"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "readModel") {
		t.Fatalf("readModel yes: %v, want a readModel problem", err)
	}
	c.ReadModel, c.Profile = "on", "ad"
	if err := c.Validate(); err != nil && strings.Contains(err.Error(), "readModel") {
		t.Fatalf("readModel on with ad: %v, want accepted (uSNChanged polling)", err)
	}
}
