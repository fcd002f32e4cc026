package adweb

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestGetDN(t *testing.T) {
	h := newHarness(t)
	type dnData struct {
		DistinguishedName string      `json:"distinguishedName"`
		Name              string      `json:"name"`
		ObjectClass       string      `json:"objectClass"`
		Matches           []entryView `json:"matches"`
	}
	var got dnData
	// The seed: POST with the parameters in the query string.
	h.call(http.MethodPost, "/restapi/getdn?samAccountName=existing&FQDN=dart.org", "").ok(t, "getdn user", &got)
	if !directory.EqualDN(got.DistinguishedName, h.existing.DN) || got.ObjectClass != "user" || len(got.Matches) != 1 {
		t.Errorf("getdn(existing) %+v", got)
	}
	h.call(http.MethodGet, "/restapi/getdn?samaccountname=interfaceadmin&fqdn=dart.org", "").ok(t, "getdn group", &got)
	if !directory.EqualDN(got.DistinguishedName, groupDN) || got.ObjectClass != "group" {
		t.Errorf("getdn(interfaceadmin) %+v", got)
	}
	h.call(http.MethodPost, "/restapi/getdn", `{"samAccountName":"Dart","FQDN":"dart.org"}`).ok(t, "getdn OU", &got)
	if !directory.EqualDN(got.DistinguishedName, dartOU) || got.ObjectClass != "organizationalUnit" {
		t.Errorf("getdn(Dart) %+v", got)
	}
	// A user and an OU of one name: the user comes first, both are listed.
	if _, err := h.dom.CreateOU(t.Context(), system, directory.NewOU{ParentDN: baseDN, Name: "existing"}); err != nil {
		t.Fatal(err)
	}
	h.call(http.MethodGet, "/restapi/getdn?samAccountName=existing&FQDN=dart.org", "").ok(t, "getdn twice", &got)
	if got.ObjectClass != "user" || len(got.Matches) != 2 || got.Matches[1].ObjectClass != "organizationalUnit" {
		t.Errorf("getdn(existing) with an OU of that name %+v", got)
	}
	h.call(http.MethodGet, "/restapi/getdn?samAccountName=nobody&FQDN=dart.org", "").refused(t, "unknown", 404, codeNotFound, "nobody")
	h.call(http.MethodGet, "/restapi/getdn?FQDN=dart.org", "").refused(t, "no name", 400, codeMissingField, "samAccountName is required")
	h.call(http.MethodGet, "/restapi/getdn?samAccountName=existing", "").refused(t, "no FQDN", 400, codeMissingField, "FQDN is required")
	h.call(http.MethodGet, "/restapi/getdn?samAccountName=existing&FQDN=%zz", "").refused(t, "bad escape", 400, codeInvalidQuery)
}

func TestGetUserInfo(t *testing.T) {
	h := newHarness(t)
	var got userView
	// The seed's form: the DN unencoded, POST without a body.
	a := h.call(http.MethodPost, "/restapi/getuserinfo?userDN="+h.existing.DN+"&FQDN=dart.org", "").ok(t, "getuserinfo", &got)
	if got.SamAccountName != "existing" || got.Mail != "existing@dart.org" || got.DisplayName != "Existing User" ||
		!got.Enabled || got.LockedOut || got.ObjectGUID != h.existing.ID || got.WhenCreated == nil {
		t.Errorf("getuserinfo %+v", got)
	}
	noPasswordIn(t, a.raw, goodPass)
	// A DN spelt differently names the same user.
	h.call(http.MethodGet, "/restapi/getuserinfo?userDN="+strings.ToUpper(h.existing.DN)+"&FQDN=dart.org", "").ok(t, "upper-case DN", &got)
	if got.ObjectGUID != h.existing.ID {
		t.Errorf("upper-case DN found %+v", got)
	}
	h.call(http.MethodGet, "/restapi/getuserinfo?userDN=uid=nobody,dc=dart,dc=org&FQDN=dart.org", "").refused(t, "unknown", 404, codeUserNotFound)
	h.call(http.MethodGet, "/restapi/getuserinfo?userDN=uid=nobody,dc=other,dc=org&FQDN=dart.org", "").refused(t, "outside", 400, codeOutsideDomain)
	h.call(http.MethodGet, "/restapi/getuserinfo?userDN=nobody&FQDN=dart.org", "").refused(t, "not a DN", 400, codeInvalidDN)
	h.call(http.MethodGet, "/restapi/getuserinfo?userDN=uid%3Dnobody%00%2Cdc%3Ddart%2Cdc%3Dorg&FQDN=dart.org", "").refused(t, "NUL", 400, codeInvalidField, "NUL")
}

func TestGetUsersListsTheSubtree(t *testing.T) {
	h := newHarness(t)
	h.call(http.MethodPost, "/restapi/createchildou", `{"parentOuDn":"ou=Dart,dc=dart,dc=org","newChildOuName":"Sub","fqdn":"dart.org"}`).ok(t, "child", nil)
	for _, u := range []directory.NewUser{
		{ParentDN: "ou=Sub,ou=Dart,dc=dart,dc=org", Username: "alice"},
		{ParentDN: scopedOU, Username: "outsider"},
	} {
		if _, err := h.dom.CreateUser(t.Context(), system, u); err != nil {
			t.Fatal(err)
		}
	}
	var got []userView
	a := h.call(http.MethodPost, "/restapi/getusers?ouDN=ou=Dart,dc=dart,dc=org&FQDN=dart.org", "").ok(t, "getusers", &got)
	var names []string
	for _, u := range got {
		names = append(names, u.SamAccountName)
	}
	if strings.Join(names, ",") != "alice,existing" || a.Message != "2 users found" {
		t.Errorf("getusers names %v, message %q", names, a.Message)
	}
	h.call(http.MethodGet, "/restapi/getusers?ouDN=ou=Sub,ou=Dart,dc=dart,dc=org&FQDN=dart.org", "").ok(t, "getusers sub", &got)
	if len(got) != 1 || got[0].SamAccountName != "alice" {
		t.Errorf("getusers(Sub) %+v", got)
	}
}
