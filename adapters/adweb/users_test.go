package adweb

import (
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// seedCreateUser is the original documentation's createuser example, with
// the OU and the FQDN of the fixture.
const seedCreateUser = `{
"createUser":
{
"SamAccountName": "micheal",
"UserPrincipalName": "micheal@dart.org",
"Password": "dummy@assword",
"ouDN": "OU=Dart,dc=dart,dc=org",
"FQDN": "dart.org"
},
"customAttributes": {
"pager": "some value"
}}`

func TestCreateUserSeedExample(t *testing.T) {
	h := newHarness(t)
	var got userView
	a := h.call(http.MethodPost, "/restapi/createuser", seedCreateUser).ok(t, "createuser", &got)
	if a.Message != "User micheal created successfully" {
		t.Errorf("message %q", a.Message)
	}
	if got.SamAccountName != "micheal" || got.UserPrincipalName != "micheal@dart.org" || !got.Enabled ||
		!directory.IsUnder(got.DistinguishedName, dartOU) || got.ObjectGUID == "" {
		t.Errorf("data %+v", got)
	}
	if v := got.CustomAttributes["pager"]; len(v) != 1 || v[0] != pagerValue {
		t.Errorf("customAttributes %v, want pager %q", got.CustomAttributes, pagerValue)
	}
	noPasswordIn(t, a.raw, "dummy@assword")

	u, err := h.login("micheal", "dummy@assword")
	if err != nil {
		t.Fatalf("the created user cannot log on: %v", err)
	}
	if u.UserPrincipalName != "micheal@dart.org" || u.MustChangePassword || !directory.EqualDN(u.DN, got.DistinguishedName) {
		t.Errorf("directory user %+v", u)
	}
	h.noSecretsLeaked("dummy@assword")
}

func TestCreateUserIsCaseInsensitive(t *testing.T) {
	h := newHarness(t)
	body := jsonBody(map[string]any{"CREATEUSER": map[string]any{
		"samaccountname": "casey", "userprincipalname": "casey@dart.org", "password": goodPass,
		"OUDN": "ou=dart, DC=DART, dc=org", "fqdn": "DART.ORG",
	}, "customattributes": map[string]any{"Mail": "casey@dart.org", "GivenName": "Casey", "SN": "Jones", "Mobile": []string{"1", "2"}}})
	var got userView
	h.call(http.MethodPost, "/restapi/CreateUser", body).ok(t, "CreateUser", &got)
	u := h.user(directory.ByName("casey"))
	if u == nil || u.Mail != "casey@dart.org" || u.GivenName != "Casey" || u.Surname != "Jones" || !slices.Equal(u.Mobile, []string{"1", "2"}) {
		t.Errorf("directory user %+v", u)
	}
	if got.Mail != "casey@dart.org" {
		t.Errorf("data %+v", got)
	}
}

func TestCreateUserRefusesBadInputAndCreatesNothing(t *testing.T) {
	h := newHarness(t)
	body := func(edit func(cu, ca map[string]any)) string {
		cu := map[string]any{"SamAccountName": "victim", "UserPrincipalName": "victim@dart.org",
			"Password": goodPass, "ouDN": dartOU, "FQDN": fqdn}
		ca := map[string]any{}
		edit(cu, ca)
		return jsonBody(map[string]any{"createUser": cu, "customAttributes": ca})
	}
	cases := []struct {
		name   string
		body   string
		status int
		code   string
		want   []string
	}{
		{"no SamAccountName", body(func(cu, _ map[string]any) { delete(cu, "SamAccountName") }), 400, codeMissingField, []string{"SamAccountName is required"}},
		{"empty Password", body(func(cu, _ map[string]any) { cu["Password"] = "" }), 400, codeMissingField, []string{"Password is required"}},
		{"no UserPrincipalName", body(func(cu, _ map[string]any) { delete(cu, "UserPrincipalName") }), 400, codeMissingField, []string{"UserPrincipalName is required"}},
		{"no ouDN", body(func(cu, _ map[string]any) { delete(cu, "ouDN") }), 400, codeMissingField, []string{"ouDN is required"}},
		{"no FQDN", body(func(cu, _ map[string]any) { delete(cu, "FQDN") }), 400, codeMissingField, []string{"FQDN is required"}},
		{"unknown FQDN", body(func(cu, _ map[string]any) { cu["FQDN"] = "dart@org" }), 400, codeUnknownDomain, []string{`"dart@org"`, "dart.org"}},
		{"ouDN does not parse", body(func(cu, _ map[string]any) { cu["ouDN"] = "OU=Dart,,dc=dart" }), 400, codeInvalidDN, []string{"ouDN", "not a valid distinguished name"}},
		{"ouDN outside the domain", body(func(cu, _ map[string]any) { cu["ouDN"] = "ou=Dart,dc=evil,dc=com" }), 400, codeOutsideDomain, []string{"outside the domain dart.org"}},
		{"ouDN missing", body(func(cu, _ map[string]any) { cu["ouDN"] = "ou=Nowhere,dc=dart,dc=org" }), 404, codeOUNotFound, nil},
		{"Password breaks the policy", body(func(cu, _ map[string]any) { cu["Password"] = "short" }), 422, codePasswordPolicy, []string{"at least 8 characters"}},
		{"objectClass", body(func(_, ca map[string]any) { ca["objectClass"] = "top" }), 400, codeAttributeRefused, []string{"objectClass"}},
		{"userAccountControl", body(func(_, ca map[string]any) { ca["userAccountControl"] = "512" }), 400, codeAttributeRefused, []string{"userAccountControl"}},
		{"unicodePwd", body(func(_, ca map[string]any) { ca["unicodePwd"] = "x" }), 400, codeAttributeRefused, []string{"unicodePwd"}},
		{"memberOf", body(func(_, ca map[string]any) { ca["memberOf"] = groupDN }), 400, codeAttributeRefused, []string{"memberOf"}},
		{"adminCount", body(func(_, ca map[string]any) { ca["adminCount"] = 1 }), 400, codeAttributeRefused, []string{"adminCount"}},
		{"not allow-listed", body(func(_, ca map[string]any) { ca["favouriteDrink"] = "1" }), 400, codeAttributeRefused, []string{"favouriteDrink", "not an allowed attribute"}},
		{"filter characters in a name", body(func(_, ca map[string]any) { ca["pager)(uid=*"] = "1" }), 400, codeAttributeRefused, []string{"is not an attribute name"}},
		{"invalid mail", body(func(_, ca map[string]any) { ca["mail"] = "not-an-address" }), 400, codeInvalidInput, []string{"not a valid email address"}},
		{"NUL in a value", body(func(_, ca map[string]any) { ca["pager"] = "a\x00b" }), 400, codeInvalidField, []string{"NUL"}},
		{"createUser is a string", `{"createUser":"micheal"}`, 400, codeInvalidField, []string{"createUser must be an object"}},
		{"password is an object", body(func(cu, _ map[string]any) { cu["Password"] = map[string]any{} }), 400, codeInvalidField, []string{"Password must be a string"}},
		{"malformed JSON", `{"createUser": {"SamAccountName": "victim",`, 400, codeInvalidJSON, nil},
		{"not an object", `["victim"]`, 400, codeInvalidJSON, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h.call(http.MethodPost, "/restapi/createuser", c.body).refused(t, c.name, c.status, c.code, c.want...)
		})
	}
	if u := h.user(directory.ByName("victim")); u != nil {
		t.Errorf("a refused createuser left %s behind", u.DN)
	}
	// The existing user's name: 409, and the existing account is untouched.
	dup := body(func(cu, _ map[string]any) { cu["SamAccountName"] = "existing"; cu["Password"] = "Other-Pass-99" })
	h.call(http.MethodPost, "/restapi/createuser", dup).refused(t, "duplicate", 409, codeAlreadyExists, "existing")
	if _, err := h.login("existing", goodPass); err != nil {
		t.Errorf("the existing user's password changed: %v", err)
	}
	h.noSecretsLeaked(goodPass, "Other-Pass-99")
}

func TestCreateUserEscapesFilterAndDNCharacters(t *testing.T) {
	h := newHarness(t)
	const odd = `o*d(d)\,=+<>#;"x`
	body := jsonBody(map[string]any{"createUser": map[string]any{"SamAccountName": odd, "UserPrincipalName": "odd@dart.org",
		"Password": goodPass, "ouDN": dartOU, "FQDN": fqdn}})
	var got userView
	h.call(http.MethodPost, "/restapi/createuser", body).ok(t, "createuser", &got)
	if got.SamAccountName != odd {
		t.Fatalf("samAccountName %q", got.SamAccountName)
	}
	if _, err := h.login(odd, goodPass); err != nil {
		t.Errorf("login as %q: %v", odd, err)
	}
	// getdn finds exactly that user, and "*" is a name, not a wildcard.
	var dn struct {
		DistinguishedName string      `json:"distinguishedName"`
		Matches           []entryView `json:"matches"`
	}
	h.call(http.MethodGet, "/restapi/getdn?FQDN=dart.org&samAccountName="+url.QueryEscape(odd), "").ok(t, "getdn", &dn)
	if !directory.EqualDN(dn.DistinguishedName, got.DistinguishedName) || len(dn.Matches) != 1 {
		t.Errorf("getdn(%q) = %+v, want %s", odd, dn, got.DistinguishedName)
	}
	h.call(http.MethodGet, "/restapi/getdn?FQDN=dart.org&samAccountName=*", "").refused(t, "getdn(*)", 404, codeNotFound)
	h.call(http.MethodGet, "/restapi/getdn?FQDN=dart.org&samAccountName=o*", "").refused(t, "getdn(o*)", 404, codeNotFound)
}

func TestUpdateUserSeedExample(t *testing.T) {
	h := newHarness(t)
	// The seed moves to an OU of its own and renames to the same name.
	h.call(http.MethodPost, "/restapi/createparentou", `{"newOuName":"abcsite","fqdn":"dart.org"}`).ok(t, "createparentou", nil)
	h.call(http.MethodPost, "/restapi/assignusertogroup", jsonBody(map[string]string{
		"userDN": h.existing.DN, "groupDN": groupDN, "fqdn": fqdn})).ok(t, "assign", nil)
	body := jsonBody(map[string]any{"updateUser": map[string]any{
		"userDN": h.existing.DN, "SamAccountName": "micheal", "UserPrincipalName": "micheal@dart.org",
		"Password": "Abcd$ssw212", "ouDN": "ou=abcsite,dc=dart,dc=org", "FQDN": fqdn,
	}, "customAttributes": map[string]any{"mail": "user@example.com"}})
	var got userView
	h.call(http.MethodPut, "/restapi/updateuser", body).ok(t, "updateuser", &got)
	u := h.user(directory.ByID(h.existing.ID))
	if u == nil || u.Username != "micheal" || u.UserPrincipalName != "micheal@dart.org" || u.Mail != "user@example.com" ||
		!directory.IsUnder(u.DN, "ou=abcsite,dc=dart,dc=org") {
		t.Fatalf("after updateuser: %+v", u)
	}
	if got.SamAccountName != "micheal" || !directory.EqualDN(got.DistinguishedName, u.DN) {
		t.Errorf("data %+v", got)
	}
	if _, err := h.login("micheal", "Abcd$ssw212"); err != nil {
		t.Errorf("new password: %v", err)
	}
	if g := h.groupsOf(directory.ByID(u.ID)); !slices.Equal(g, []string{"interfaceadmin"}) {
		t.Errorf("groups after the move: %v", g)
	}
	h.noSecretsLeaked("Abcd$ssw212")
}

func TestUpdateUserOnlyUserDNAndFQDNRequired(t *testing.T) {
	h := newHarness(t)
	body := jsonBody(map[string]any{"updateUser": map[string]any{"userDN": h.existing.DN, "FQDN": fqdn},
		"customAttributes": map[string]any{"title": "Engineer", "mail": nil}})
	h.call(http.MethodPut, "/restapi/updateuser", body).ok(t, "updateuser", nil)
	u := h.user(directory.ByID(h.existing.ID))
	if u.Title != "Engineer" || u.Mail != "" || u.Username != "existing" || !directory.EqualDN(u.DN, h.existing.DN) {
		t.Errorf("after updateuser: %+v", u)
	}
	if _, err := h.login("existing", goodPass); err != nil {
		t.Errorf("the password changed: %v", err)
	}
}

func TestUpdateUserIsAllOrNothing(t *testing.T) {
	h := newHarness(t)
	update := func(cu map[string]any, ca map[string]any) string {
		cu["userDN"], cu["FQDN"] = h.existing.DN, fqdn
		return jsonBody(map[string]any{"updateUser": cu, "customAttributes": ca})
	}
	cases := []struct {
		name   string
		body   string
		status int
		code   string
	}{
		{"bad password after a rename and a move", update(map[string]any{"SamAccountName": "renamed", "ouDN": scopedOU, "Password": "short"},
			map[string]any{"title": "Changed"}), 422, codePasswordPolicy},
		{"power attribute beside a rename", update(map[string]any{"SamAccountName": "renamed"},
			map[string]any{"title": "Changed", "userAccountControl": "66048"}), 400, codeAttributeRefused},
		{"move to a missing OU", update(map[string]any{"SamAccountName": "renamed", "ouDN": "ou=Missing,dc=dart,dc=org"},
			map[string]any{"title": "Changed"}), 404, codeOUNotFound},
		{"move outside the domain", update(map[string]any{"ouDN": "ou=x,dc=evil,dc=com"}, nil), 400, codeOutsideDomain},
		{"rename onto another user", update(map[string]any{"SamAccountName": "taken"}, map[string]any{"title": "Changed"}), 409, codeAlreadyExists},
		{"no userDN", jsonBody(map[string]any{"updateUser": map[string]any{"FQDN": fqdn}}), 400, codeMissingField},
		{"unknown user", jsonBody(map[string]any{"updateUser": map[string]any{"userDN": "uid=nobody,ou=Dart,dc=dart,dc=org", "FQDN": fqdn}}), 404, codeUserNotFound},
	}
	if _, err := h.dom.CreateUser(t.Context(), system, directory.NewUser{ParentDN: dartOU, Username: "taken"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		h.call(http.MethodPut, "/restapi/updateuser", c.body).refused(t, c.name, c.status, c.code)
		u := h.user(directory.ByID(h.existing.ID))
		if u.Username != "existing" || u.Title != "" || !directory.EqualDN(u.DN, h.existing.DN) {
			t.Errorf("%s: the user changed: %+v", c.name, u)
		}
		if _, err := h.login("existing", goodPass); err != nil {
			t.Errorf("%s: the password changed: %v", c.name, err)
		}
	}
	if h.user(directory.ByName("renamed")) != nil {
		t.Error("a user named renamed exists")
	}
}

func TestMoveUserToOUKeepsGroups(t *testing.T) {
	h := newHarness(t)
	h.call(http.MethodPost, "/restapi/assignusertogroup", jsonBody(map[string]string{
		"userDN": h.existing.DN, "groupDN": groupDN, "fqdn": fqdn})).ok(t, "assign", nil)
	var got userView
	a := h.call(http.MethodPost, "/restapi/moveusertoou", jsonBody(map[string]string{
		"userDN": h.existing.DN, "ouDN": scopedOU, "fqdn": fqdn})).ok(t, "move", &got)
	u := h.user(directory.ByID(h.existing.ID))
	if !directory.IsUnder(u.DN, scopedOU) || !directory.EqualDN(got.DistinguishedName, u.DN) {
		t.Errorf("after the move: directory %s, data %s", u.DN, got.DistinguishedName)
	}
	if a.Message != "User existing moved successfully" {
		t.Errorf("message %q", a.Message)
	}
	if g := h.groupsOf(directory.ByID(u.ID)); !slices.Equal(g, []string{"interfaceadmin"}) {
		t.Errorf("groups after the move: %v", g)
	}
	if _, err := h.login("existing", goodPass); err != nil {
		t.Errorf("login after the move: %v", err)
	}

	// The old DN is gone; a missing target is named.
	h.call(http.MethodPost, "/restapi/moveusertoou", jsonBody(map[string]string{
		"userDN": h.existing.DN, "ouDN": dartOU, "fqdn": fqdn})).refused(t, "old DN", 404, codeUserNotFound)
	h.call(http.MethodPost, "/restapi/moveusertoou", jsonBody(map[string]string{
		"userDN": u.DN, "ouDN": "ou=Missing,dc=dart,dc=org", "fqdn": fqdn})).refused(t, "missing OU", 404, codeOUNotFound, "ou=Missing")
	h.call(http.MethodPost, "/restapi/moveusertoou", jsonBody(map[string]string{
		"userDN": u.DN, "fqdn": fqdn})).refused(t, "no ouDN", 400, codeMissingField, "ouDN is required")
	if now := h.user(directory.ByID(u.ID)); !directory.EqualDN(now.DN, u.DN) {
		t.Errorf("a refused move moved the user to %s", now.DN)
	}
}
