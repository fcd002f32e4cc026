package adweb

import (
	"net/http"
	"slices"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestAssignUserToGroupAndReadBack(t *testing.T) {
	h := newHarness(t)
	body := jsonBody(map[string]string{"userDN": h.existing.DN, "groupDN": groupDN, "fqdn": fqdn})
	a := h.call(http.MethodPost, "/restapi/assignusertogroup", body).ok(t, "assign", nil)
	if a.Message != "User existing added to group interfaceadmin successfully" {
		t.Errorf("message %q", a.Message)
	}
	// Again: already a member is not an error.
	h.call(http.MethodPost, "/restapi/AssignUserToGroup", body).ok(t, "assign again", nil)
	if g := h.groupsOf(directory.ByID(h.existing.ID)); !slices.Equal(g, []string{"interfaceadmin"}) {
		t.Errorf("groups %v", g)
	}

	var members []memberView
	h.call(http.MethodPost, "/restapi/getgroupmembers?groupDN=cn=interfaceadmin,ou=Dart,dc=dart,dc=org&FQDN=dart.org", "").ok(t, "getgroupmembers", &members)
	if len(members) != 1 || members[0].SamAccountName != "existing" || members[0].ObjectClass != "user" ||
		!directory.EqualDN(members[0].DistinguishedName, h.existing.DN) || members[0].DisplayName != "Existing User" {
		t.Errorf("members %+v", members)
	}
	// The original's parameter list names it ouDN.
	var viaOUDN []memberView
	h.call(http.MethodGet, "/restapi/getgroupmembers?ouDN=CN=InterfaceAdmin,OU=Dart,DC=dart,DC=org&fqdn=dart.org", "").ok(t, "ouDN alias", &viaOUDN)
	if len(viaOUDN) != 1 {
		t.Errorf("members via ouDN %+v", viaOUDN)
	}

	var groups []groupView
	h.call(http.MethodPost, "/restapi/getusergroupinfo?userDN="+h.existing.DN+"&FQDN=dart.org", "").ok(t, "getusergroupinfo", &groups)
	if len(groups) != 1 || groups[0].SamAccountName != "interfaceadmin" || !directory.EqualDN(groups[0].DistinguishedName, groupDN) {
		t.Errorf("groups %+v", groups)
	}
}

func TestAssignUserToGroupNamesWhatIsMissing(t *testing.T) {
	h := newHarness(t)
	for _, c := range []struct {
		name, user, group string
		status            int
		code              string
	}{
		{"unknown user", "uid=nobody,ou=Dart,dc=dart,dc=org", groupDN, 404, codeUserNotFound},
		{"unknown group", h.existing.DN, "cn=nogroup,ou=Dart,dc=dart,dc=org", 404, codeGroupNotFound},
		{"group DN does not parse", h.existing.DN, "cn=a,=b", 400, codeInvalidDN},
		{"group outside", h.existing.DN, "cn=admins,dc=other,dc=org", 400, codeOutsideDomain},
		{"no group", h.existing.DN, "", 400, codeMissingField},
	} {
		h.call(http.MethodPost, "/restapi/assignusertogroup", jsonBody(map[string]string{"userDN": c.user, "groupDN": c.group, "fqdn": fqdn})).
			refused(t, c.name, c.status, c.code)
	}
	if g := h.groupsOf(directory.ByID(h.existing.ID)); len(g) != 0 {
		t.Errorf("groups after refused requests: %v", g)
	}
	h.call(http.MethodGet, "/restapi/getgroupmembers?groupDN=cn=nogroup,dc=dart,dc=org&FQDN=dart.org", "").refused(t, "members of nothing", 404, codeGroupNotFound)
	h.call(http.MethodGet, "/restapi/getusergroupinfo?userDN=uid=nobody,dc=dart,dc=org&FQDN=dart.org", "").refused(t, "groups of nobody", 404, codeUserNotFound)
}
