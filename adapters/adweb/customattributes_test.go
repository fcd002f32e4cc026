package adweb

import (
	"net/http"
	"slices"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// The original writes any attribute of the user class that
// customAttributes names: the ordinary ones (the seed's pager among them)
// are writable without configuration, on create and on update.
func TestOrdinaryCustomAttributesAreWritableByDefault(t *testing.T) {
	h := newHarness(t)
	ordinary := map[string]any{"pager": pagerValue, "department": "Sales", "company": "Dart", "employeeID": "E-7",
		"physicalDeliveryOfficeName": "Room 1", "manager": h.existing.DN, "homePhone": "+1 555 0100",
		"streetAddress": "1 Main St", "l": "Springfield", "postalCode": "12345"}
	body := jsonBody(map[string]any{"createUser": map[string]any{"SamAccountName": "ordinary", "UserPrincipalName": "ordinary@dart.org",
		"Password": goodPass, "ouDN": dartOU, "FQDN": fqdn}, "customAttributes": ordinary})
	var got userView
	h.call(http.MethodPost, "/restapi/createuser", body).ok(t, "createuser", &got)
	u := h.user(directory.ByName("ordinary"))
	if u == nil {
		t.Fatal("the user was not created")
	}
	for name, want := range ordinary {
		if v := u.Attributes[name]; !slices.Equal(v, []string{want.(string)}) {
			t.Errorf("%s = %v, want %q", name, v, want)
		}
		if v := got.CustomAttributes[name]; !slices.Equal(v, []string{want.(string)}) {
			t.Errorf("answer's customAttributes.%s = %v, want %q", name, v, want)
		}
	}

	update := jsonBody(map[string]any{"updateUser": map[string]any{"userDN": u.DN, "FQDN": fqdn},
		"customAttributes": map[string]any{"department": "Support", "pager": ""}})
	h.call(http.MethodPut, "/restapi/updateuser", update).ok(t, "updateuser", nil)
	u = h.user(directory.ByName("ordinary"))
	if !slices.Equal(u.Attributes["department"], []string{"Support"}) || len(u.Attributes["pager"]) != 0 {
		t.Errorf("after updateuser: %v", u.Attributes)
	}
}

// securityBearing are attributes that carry credentials, rights, logon
// restrictions or mappings, or the entry's identity: no key, scoped or
// not, may set them through customAttributes.
var securityBearing = []string{
	"userPassword", "unicodePwd", "unicodePwd;binary", "dBCSPwd", "supplementalCredentials", "member", "memberOf",
	"objectClass", "uidNumber", "gidNumber", "userAccountControl", "pwdAccountLockedTime", "pwdReset",
	"sAMAccountName", "uid", "cn", "name", "primaryGroupID", "adminCount",
	"servicePrincipalName", "msDS-AllowedToDelegateTo", "msDS-AllowedToActOnBehalfOfOtherIdentity",
	"msDS-KeyCredentialLink", "altSecurityIdentities", "userCertificate", "sIDHistory", "nTSecurityDescriptor",
	"scriptPath", "profilePath", "homeDirectory", "loginShell", "sshPublicKey", "ms-Mcs-AdmPwd",
	"msLAPS-Password", "mS-DS-ConsistencyGuid", "accountExpires", "logonHours", "userWorkstations",
	"sambaNTPassword", "krbPrincipalKey", "shadowExpire", "msNPAllowDialin", "proxyAddresses", "dirgateProtected",
}

func TestSecurityAttributesAreRefusedToEveryKey(t *testing.T) {
	h := newHarness(t)
	target := jsonBody(map[string]any{"createUser": map[string]any{"SamAccountName": "target", "UserPrincipalName": "target@dart.org",
		"Password": goodPass, "ouDN": scopedOU, "FQDN": fqdn}})
	var created userView
	h.call(http.MethodPost, "/restapi/createuser", target).ok(t, "create the target", &created)
	for _, key := range []struct {
		name string
		c    credentials
	}{{"full access", h.admin}, {"scoped", h.scoped}} {
		for i, attr := range securityBearing {
			username := "sec" + key.name[:1] + string(rune('a'+i%26)) + string(rune('a'+i/26))
			body := jsonBody(map[string]any{"createUser": map[string]any{"SamAccountName": username,
				"UserPrincipalName": username + "@dart.org", "Password": goodPass, "ouDN": scopedOU, "FQDN": fqdn},
				"customAttributes": map[string]any{"pager": "p", attr: "1"}})
			h.send(key.c, http.MethodPost, "/restapi/createuser", body).refused(t, key.name+" create "+attr, 400, codeAttributeRefused, attr)
			if u := h.user(directory.ByName(username)); u != nil {
				t.Errorf("%s: a refused createuser (%s) left %s behind", key.name, attr, u.DN)
			}
			update := jsonBody(map[string]any{"updateUser": map[string]any{"userDN": created.DistinguishedName, "FQDN": fqdn},
				"customAttributes": map[string]any{"department": "changed", attr: "1"}})
			h.send(key.c, http.MethodPut, "/restapi/updateuser", update).refused(t, key.name+" update "+attr, 400, codeAttributeRefused, attr)
		}
	}
	u, err := h.login("target", goodPass)
	if err != nil {
		t.Fatalf("the target's account changed: %v", err)
	}
	if len(u.Attributes) != 0 || u.Username != "target" || !u.Enabled {
		t.Errorf("refused updates changed the target: %+v", u)
	}
}
