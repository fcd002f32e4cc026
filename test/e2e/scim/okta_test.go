package scim_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestOktaProvisioning replays the requests Okta sends, as its SCIM 2.0
// protocol reference lists them: a lookup by userName with startIndex=1
// and count, create, no-path replace with a value object to deactivate,
// a full PUT, and group push (create, add members, remove by value
// filter, rename by no-path replace, delete). The password is the
// reference's with the policy's complexity added.
func TestOktaProvisioning(t *testing.T) {
	s := start(t)
	const userName = "test.user@okta.local"

	r := s.do(t, http.MethodGet, "/Users?filter="+q(`userName eq "`+userName+`"`)+"&startIndex=1&count=2", "")
	expect(t, r, http.StatusOK, `"totalResults":0`, `"startIndex":1`)

	r = s.do(t, http.MethodPost, "/Users", `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"userName": "`+userName+`",
		"name": {"givenName": "Test", "familyName": "User"},
		"emails": [{"primary": true, "value": "`+userName+`", "type": "work"}],
		"displayName": "Test User",
		"locale": "en-US",
		"externalId": "00ujl29u0le5T6Aj10h7",
		"groups": [],
		"password": "1mz050nq-Okta",
		"active": true}`)
	expect(t, r, http.StatusCreated, `"displayName":"Test User"`)
	if strings.Contains(r.body, "1mz050nq") {
		t.Fatal("the answer shows the password")
	}
	id := r.doc(t)["id"].(string)
	e := s.entry(t, userDN(userName), "displayName", "mail", "dirgateExternalId", "userPassword")
	if e == nil || e.GetAttributeValue("displayName") != "Test User" || e.GetAttributeValue("mail") != userName ||
		e.GetAttributeValue("userPassword") == "" || strings.Contains(e.GetAttributeValue("userPassword"), "1mz050nq") {
		t.Fatalf("slapd holds %+v", e)
	}

	r = s.do(t, http.MethodGet, "/Users?filter="+q(`userName eq "`+userName+`"`)+"&startIndex=1&count=2", "")
	if n, ids := totalResults(t, r); n != 1 || len(ids) != 1 || ids[0] != id {
		t.Fatalf("lookup: %d %v", n, ids)
	}
	expect(t, s.do(t, http.MethodGet, "/Users/"+id, ""), http.StatusOK, `"externalId":"00ujl29u0le5T6Aj10h7"`)

	// Deactivate: replace without a path, the value an object.
	r = s.do(t, http.MethodPatch, "/Users/"+id, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "value": {"active": false}}]}`)
	expect(t, r, http.StatusOK, `"active":false`)
	if got := s.entry(t, userDN(userName), "pwdAccountLockedTime").GetAttributeValue("pwdAccountLockedTime"); got != disabledMark {
		t.Fatalf("deactivated: pwdAccountLockedTime %q", got)
	}
	// The user is disabled, not deleted.
	if s.entry(t, userDN(userName)) == nil {
		t.Fatal("deactivation deleted the user")
	}

	// Update: a full PUT, reactivating and renaming the given name.
	r = s.do(t, http.MethodPut, "/Users/"+id, `{
		"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
		"id": "`+id+`",
		"userName": "`+userName+`",
		"name": {"givenName": "Another", "familyName": "User"},
		"emails": [{"primary": true, "value": "`+userName+`", "type": "work"}],
		"displayName": "Another User",
		"locale": "en-US",
		"externalId": "00ujl29u0le5T6Aj10h7",
		"groups": [],
		"active": true,
		"meta": {"resourceType": "User"}}`)
	expect(t, r, http.StatusOK, `"givenName":"Another"`, `"active":true`)
	e = s.entry(t, userDN(userName), "givenName", "displayName", "pwdAccountLockedTime")
	if e.GetAttributeValue("givenName") != "Another" || e.GetAttributeValue("displayName") != "Another User" ||
		e.GetAttributeValue("pwdAccountLockedTime") != "" {
		t.Fatalf("after PUT slapd holds %+v", e)
	}

	// Paging as Okta imports users: startIndex=1&count=2 over five.
	for i := range 4 {
		expect(t, s.do(t, http.MethodPost, "/Users", fmt.Sprintf(`{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "okta.bulk%d"}`, i)), http.StatusCreated)
	}
	r = s.do(t, http.MethodGet, "/Users?startIndex=1&count=2", "")
	if n, ids := totalResults(t, r); n != 5 || len(ids) != 2 {
		t.Fatalf("page 1: %d %v", n, ids)
	}
	r = s.do(t, http.MethodGet, "/Users?startIndex=5&count=2", "")
	if n, ids := totalResults(t, r); n != 5 || len(ids) != 1 {
		t.Fatalf("last page: %d %v", n, ids)
	}

	// Group push.
	r = s.do(t, http.MethodPost, "/Groups", `{"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Test SCIMv2", "members": []}`)
	expect(t, r, http.StatusCreated)
	gid := r.doc(t)["id"].(string)
	r = s.do(t, http.MethodGet, "/Groups?filter="+q(`displayName eq "Test SCIMv2"`)+"&startIndex=1&count=100", "")
	if n, ids := totalResults(t, r); n != 1 || ids[0] != gid {
		t.Fatalf("group lookup: %d %v", n, ids)
	}
	r = s.do(t, http.MethodPatch, "/Groups/"+gid, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "add", "path": "members", "value": [{"value": "`+id+`", "display": "`+userName+`"}]}]}`)
	expect(t, r, http.StatusNoContent)
	if m := s.entry(t, groupDN("Test SCIMv2"), "member").GetAttributeValues("member"); len(m) != 1 || !strings.EqualFold(m[0], userDN(userName)) {
		t.Fatalf("members after add: %v", m)
	}
	r = s.do(t, http.MethodGet, "/Groups/"+gid, "")
	expect(t, r, http.StatusOK, `"members":[{"value":"`+id+`"`, `"type":"User"`)
	r = s.do(t, http.MethodPatch, "/Groups/"+gid, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "remove", "path": "members[value eq \"`+id+`\"]"}]}`)
	expect(t, r, http.StatusNoContent)
	// groupOfNames must have a member: the profile keeps an empty one.
	if m := realMembers(s.entry(t, groupDN("Test SCIMv2"), "member").GetAttributeValues("member")); len(m) != 0 {
		t.Fatalf("members after remove: %v", m)
	}
	r = s.do(t, http.MethodPatch, "/Groups/"+gid, `{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
		"Operations": [{"op": "replace", "value": {"id": "`+gid+`", "displayName": "Test SCIMv2 renamed"}}]}`)
	expect(t, r, http.StatusNoContent)
	if s.entry(t, groupDN("Test SCIMv2 renamed")) == nil {
		t.Fatal("the group was not renamed in slapd")
	}
	expect(t, s.do(t, http.MethodDelete, "/Groups/"+gid, ""), http.StatusNoContent)
	if s.entry(t, groupDN("Test SCIMv2 renamed")) != nil {
		t.Fatal("the group is still in slapd")
	}
}

// realMembers drops the empty placeholder a groupOfNames keeps when it
// has no member.
func realMembers(dns []string) []string {
	var out []string
	for _, dn := range dns {
		if dn != "" {
			out = append(out, dn)
		}
	}
	return out
}
