package directory_test

import (
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestSecurityAttributesAreRecognised(t *testing.T) {
	for _, a := range []string{
		"userPassword", "unicodePwd", "UNICODEPWD;binary", "authPassword", "member", "memberOf", "uniqueMember",
		"objectClass", "uidNumber", "gidNumber", "userAccountControl", "pwdAccountLockedTime", "pwdPolicySubentry",
		"sAMAccountName", "uid", "cn", "primaryGroupID", "adminCount", "servicePrincipalName",
		"msDS-AllowedToDelegateTo", "msDS-AllowedToActOnBehalfOfOtherIdentity", "msDS-KeyCredentialLink",
		"msDS-SupportedEncryptionTypes", "altSecurityIdentities", "userCertificate", "sIDHistory",
		"nTSecurityDescriptor", "scriptPath", "profilePath", "homeDirectory", "unixHomeDirectory", "loginShell",
		"sshPublicKey", "ms-Mcs-AdmPwd", "msLAPS-EncryptedPassword", "mS-DS-ConsistencyGuid", "accountExpires",
		"logonHours", "userWorkstations", "msTSInitialProgram", "userParameters", "sambaNTPassword",
		"krbPrincipalKey", "shadowLastChange", "msNPAllowDialin", "msRADIUSServiceType", "msExchDelegateListLink",
		"publicDelegates", "proxyAddresses", "host", "ds-privilege-name", "nsAccountLock", "dirgateProtected",
	} {
		if !directory.IsSecurityAttribute(a) {
			t.Errorf("%s is not recognised as security-bearing", a)
		}
	}
	for _, a := range []string{"pager", "department", "company", "manager", "employeeID", "physicalDeliveryOfficeName", "l"} {
		if directory.IsSecurityAttribute(a) {
			t.Errorf("%s is taken for security-bearing", a)
		}
	}
}

// Every default extra attribute is an ordinary one: a default can never
// open what the deny list closes.
func TestDefaultExtraAttributesCarryNoSecurity(t *testing.T) {
	for _, profile := range []string{"openldap", "ad", ""} {
		defaults := directory.DefaultExtraAttributes(profile)
		if len(defaults) == 0 {
			t.Errorf("profile %q has no default extra attributes", profile)
		}
		for _, a := range defaults {
			if directory.IsSecurityAttribute(a) {
				t.Errorf("profile %q: default %s is security-bearing", profile, a)
			}
		}
	}
}
