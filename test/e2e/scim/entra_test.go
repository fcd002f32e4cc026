package scim_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// disabledMark is how the OpenLDAP profile disables an account (ppolicy's
// permanent lock).
const disabledMark = "000001010000Z"

// dirView is how a directory shows what the sequence did: users and
// groups found by name, the account state, whether ids are entryUUIDs.
type dirView struct {
	user, group func(name string) string // raw LDAP filters
	disabled    func(*ldap.Entry) bool
	stateAttrs  []string
	idIsUUID    bool
	// names of the user, its new name and the manager (AD's
	// sAMAccountName takes at most 20 characters), and the user's
	// and the group's externalId (AD keeps them in employeeID, at most 16
	// characters).
	userName, renamed, manager, externalID, groupExternalID string
}

var openLDAPView = dirView{
	user:            func(n string) string { return "(&(objectClass=inetOrgPerson)(uid=" + ldap.EscapeFilter(n) + "))" },
	group:           func(n string) string { return "(&(objectClass=groupOfNames)(cn=" + ldap.EscapeFilter(n) + "))" },
	disabled:        func(e *ldap.Entry) bool { return e.GetAttributeValue("pwdAccountLockedTime") == disabledMark },
	stateAttrs:      []string{"pwdAccountLockedTime"},
	idIsUUID:        true,
	userName:        "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1",
	renamed:         "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com",
	manager:         "Test_Manager",
	externalID:      "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
	groupExternalID: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
}

// TestEntraIDProvisioning replays the requests Microsoft Entra ID sends,
// as its SCIM provisioning guide lists them ("Develop and plan
// provisioning for a SCIM endpoint"): query by userName before a create,
// create, PATCH with capitalised ops and value-filter paths, "False" as a
// string, the manager by id, group create, member add and remove in
// batches, rename, deletes. Each step is checked in the answer and in
// slapd.
func TestEntraIDProvisioning(t *testing.T) {
	runEntra(t, start(t), openLDAPView)
}

func runEntra(t *testing.T, s *stack, v dirView) {
	userName, renamed := v.userName, v.renamed
	// Get User by query - zero results: Entra asks before it creates.
	r := s.do(t, http.MethodGet, "/Users?filter="+q(`userName eq "`+userName+`"`), "")
	expect(t, r, http.StatusOK, `"totalResults":0`, `"Resources":[]`, "urn:ietf:params:scim:api:messages:2.0:ListResponse")

	r = s.do(t, http.MethodPost, "/Users", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
		"externalId": "`+v.externalID+`",
		"userName": "`+userName+`",
		"active": true,
		"emails": [{"primary": true, "type": "work", "value": "Test_User_fd0ea19b@testuser.com"}],
		"meta": {"resourceType": "User"},
		"name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
		"roles": []
	}`)
	expect(t, r, http.StatusCreated, `"userName":"`+userName+`"`, `"active":true`)
	user := r.doc(t)
	id := user["id"].(string)
	if loc := r.header.Get("Location"); loc != s.url+"/Users/"+id {
		t.Fatalf("Location %q", loc)
	}
	e := s.find(t, v.user(userName), append([]string{"mail", "givenName", "sn", "entryUUID"}, v.stateAttrs...)...)
	if e == nil || e.GetAttributeValue("mail") != "Test_User_fd0ea19b@testuser.com" || e.GetAttributeValue("sn") != "familyName" ||
		e.GetAttributeValue("givenName") != "givenName" || v.idIsUUID && e.GetAttributeValue("entryUUID") != id || v.disabled(e) {
		t.Fatalf("the directory holds %+v", e)
	}

	// Get User by query: found, and by id.
	r = s.do(t, http.MethodGet, "/Users?filter="+q(`userName eq "`+userName+`"`), "")
	if n, ids := totalResults(t, r); n != 1 || ids[0] != id {
		t.Fatalf("query by userName: %d %v", n, ids)
	}
	expect(t, s.do(t, http.MethodGet, "/Users/"+id, ""), http.StatusOK, `"id":"`+id+`"`)
	// Get User by query with a filter on the manager's attribute of
	// another user that does not exist: zero results, not an error.
	r = s.do(t, http.MethodGet, "/Users?filter="+q(`userName eq "non-existent user"`), "")
	expect(t, r, http.StatusOK, `"totalResults":0`)

	// Update User [Multi-valued properties].
	r = s.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [
			{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "updatedEmail@microsoft.com"},
			{"op": "Replace", "path": "name.familyName", "value": "updatedFamilyName"}]}`)
	expect(t, r, http.StatusOK, "updatedEmail@microsoft.com")
	e = s.find(t, v.user(userName), "mail", "sn")
	if e.GetAttributeValue("mail") != "updatedEmail@microsoft.com" || e.GetAttributeValue("sn") != "updatedFamilyName" {
		t.Fatalf("after the multi-valued update the directory holds %+v", e)
	}

	// The manager, by id, as Entra sends it.
	r = s.do(t, http.MethodPost, "/Users", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "`+v.manager+`", "active": true}`)
	expect(t, r, http.StatusCreated)
	managerID := r.doc(t)["id"].(string)
	r = s.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "value": "`+managerID+`"},
			{"op": "Add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "701984"}]}`)
	expect(t, r, http.StatusOK, `"manager":{"value":"`+managerID+`"`)
	managerDN := s.find(t, v.user(v.manager)).DN
	e = s.find(t, v.user(userName), "manager", "employeeNumber")
	if !strings.EqualFold(e.GetAttributeValue("manager"), managerDN) || e.GetAttributeValue("employeeNumber") != "701984" {
		t.Fatalf("after the manager update the directory holds %+v", e)
	}

	// Update User [Single-valued properties]: a rename keeps the id.
	r = s.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Replace", "path": "userName", "value": "`+renamed+`"}]}`)
	expect(t, r, http.StatusOK, `"userName":"`+renamed+`"`, `"id":"`+id+`"`)
	if s.find(t, v.user(userName)) != nil || s.find(t, v.user(renamed)) == nil {
		t.Fatal("the rename did not move the entry")
	}

	// Disable User, with the boolean as a string as Entra sends it.
	r = s.do(t, http.MethodPatch, "/Users/"+id, `{"Operations": [{"op": "Replace", "path": "active", "value": "False"}],
		"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"]}`)
	expect(t, r, http.StatusOK, `"active":false`)
	if e := s.find(t, v.user(renamed), v.stateAttrs...); !v.disabled(e) {
		t.Fatalf("the account is not disabled: %+v", e)
	}

	// Create Group, with Microsoft's own schema URN beside the core one.
	r = s.do(t, http.MethodPost, "/Groups", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
		"externalId": "`+v.groupExternalID+`",
		"displayName": "displayName",
		"meta": {"resourceType": "Group"}}`)
	expect(t, r, http.StatusCreated, `"displayName":"displayName"`)
	gid := r.doc(t)["id"].(string)
	if s.find(t, v.group("displayName")) == nil {
		t.Fatal("the group is not in the directory")
	}
	expect(t, s.do(t, http.MethodGet, "/Groups/"+gid+"?excludedAttributes=members", ""), http.StatusOK, `"id":"`+gid+`"`)
	r = s.do(t, http.MethodGet, "/Groups?excludedAttributes=members&filter="+q(`displayName eq "displayName"`), "")
	if n, ids := totalResults(t, r); n != 1 || ids[0] != gid {
		t.Fatalf("group by displayName: %d %v", n, ids)
	}

	// Update Group [Add Members], a batch; then [Remove Members].
	r = s.do(t, http.MethodPatch, "/Groups/"+gid, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Add", "path": "members", "value": [{"$ref": null, "value": "`+id+`"}, {"$ref": null, "value": "`+managerID+`"}]}]}`)
	expect(t, r, http.StatusNoContent)
	members := realMembers(s.find(t, v.group("displayName"), "member").GetAttributeValues("member"))
	if len(members) != 2 {
		t.Fatalf("members after add: %v", members)
	}
	r = s.do(t, http.MethodPatch, "/Groups/"+gid, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Remove", "path": "members", "value": [{"$ref": null, "value": "`+id+`"}]}]}`)
	expect(t, r, http.StatusNoContent)
	members = realMembers(s.find(t, v.group("displayName"), "member").GetAttributeValues("member"))
	if len(members) != 1 || !strings.EqualFold(members[0], managerDN) {
		t.Fatalf("members after remove: %v", members)
	}

	// Update Group [Non-member attributes].
	r = s.do(t, http.MethodPatch, "/Groups/"+gid, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "Replace", "path": "displayName", "value": "1879db59updatedDisplayName"}]}`)
	expect(t, r, http.StatusNoContent)
	if s.find(t, v.group("1879db59updatedDisplayName")) == nil {
		t.Fatal("the group was not renamed in the directory")
	}

	// Delete Group, Delete User: 204, then gone.
	expect(t, s.do(t, http.MethodDelete, "/Groups/"+gid, ""), http.StatusNoContent)
	expect(t, s.do(t, http.MethodGet, "/Groups/"+gid, ""), http.StatusNotFound, `"status":"404"`, "urn:ietf:params:scim:api:messages:2.0:Error")
	expect(t, s.do(t, http.MethodDelete, "/Users/"+id, ""), http.StatusNoContent)
	if s.find(t, v.user(renamed)) != nil {
		t.Fatal("the user is still in the directory")
	}
	expect(t, s.do(t, http.MethodGet, "/Users/"+id, ""), http.StatusNotFound)
}
