package adweb

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

const seedCreateParentOU = `{
"newOuName": "ABC Site",
"description": "ABC Organization",
"city": "Newyork",
"state": "Newyork",
"street": "1st avenue",
"postalCode": "54561",
"country": "United States",
"fqdn": "dart.org",
"accidentialDeletion": true
}`

const seedCreateChildOU = `{
"parentOuDn": "OU=ABC Site,DC=dart,DC=org",
"newChildOuName": "ABC-child",
"description": "ABC Organization",
"city": "Newyork",
"state": "Newyork",
"street": "1st avenue",
"postalCode": "54561",
"country": "United States",
"fqdn": "dart.org",
"accidentialDeletion": true
}`

func TestCreateParentAndChildOUSeedExamples(t *testing.T) {
	h := newHarness(t)
	var parent ouView
	h.call(http.MethodPost, "/restapi/createparentou", seedCreateParentOU).ok(t, "createparentou", &parent)
	want := ouView{Name: "ABC Site", Description: "ABC Organization", City: "Newyork", State: "Newyork",
		Street: "1st avenue", PostalCode: "54561", Country: "United States", ProtectedFromAccidentalDeletion: true}
	if !directory.EqualDN(parent.DistinguishedName, "ou=ABC Site,dc=dart,dc=org") {
		t.Errorf("parent DN %q", parent.DistinguishedName)
	}
	parent.DistinguishedName, parent.ObjectGUID = "", ""
	if parent != want {
		t.Errorf("parent %+v, want %+v", parent, want)
	}

	var child ouView
	h.call(http.MethodPost, "/restapi/CreateChildOU", seedCreateChildOU).ok(t, "createchildou", &child)
	if !directory.EqualDN(child.DistinguishedName, "ou=ABC-child,ou=ABC Site,dc=dart,dc=org") || !child.ProtectedFromAccidentalDeletion {
		t.Errorf("child %+v", child)
	}
	ou, err := h.dom.GetOU(t.Context(), system, directory.ByDN("ou=ABC-child,ou=ABC Site,dc=dart,dc=org"))
	if err != nil || ou.City != "Newyork" || ou.PostalCode != "54561" || !ou.Protected {
		t.Fatalf("child in the directory: %+v %v", ou, err)
	}
	// accidentialDeletion protects: dirgate refuses to delete.
	if err := h.dom.DeleteOU(t.Context(), system, directory.ByID(ou.ID), false); !errors.Is(err, directory.ErrProtected) {
		t.Errorf("deleting a protected OU: %v, want ErrProtected", err)
	}
	// Unprotected by default, and "false" as a string.
	var plain ouView
	h.call(http.MethodPost, "/restapi/createparentou", `{"newOuName":"Plain","fqdn":"dart.org","accidentialDeletion":"false","postalCode":12345}`).ok(t, "plain", &plain)
	if plain.ProtectedFromAccidentalDeletion || plain.PostalCode != "12345" {
		t.Errorf("plain %+v", plain)
	}
}

func TestCreateOURefusesBadInput(t *testing.T) {
	h := newHarness(t)
	cases := []struct {
		name, path, body string
		status           int
		code             string
		want             string
	}{
		{"no name", "createparentou", `{"fqdn":"dart.org"}`, 400, codeMissingField, "newOuName is required"},
		{"no fqdn", "createparentou", `{"newOuName":"X"}`, 400, codeMissingField, "FQDN is required"},
		{"unknown fqdn", "createparentou", `{"newOuName":"X","fqdn":"other.org"}`, 400, codeUnknownDomain, "other.org"},
		{"duplicate", "createparentou", `{"newOuName":"Dart","fqdn":"dart.org"}`, 409, codeAlreadyExists, "Dart"},
		{"bad flag", "createparentou", `{"newOuName":"X","fqdn":"dart.org","accidentialDeletion":"perhaps"}`, 400, codeInvalidField, "accidentialDeletion"},
		{"description object", "createparentou", `{"newOuName":"X","fqdn":"dart.org","description":{}}`, 400, codeInvalidField, "description"},
		{"control character", "createparentou", `{"newOuName":"X\u0001","fqdn":"dart.org"}`, 400, codeInvalidInput, "control characters"},
		{"no parent", "createchildou", `{"newChildOuName":"X","fqdn":"dart.org"}`, 400, codeMissingField, "parentOuDn is required"},
		{"missing parent", "createchildou", `{"parentOuDn":"ou=Missing,dc=dart,dc=org","newChildOuName":"X","fqdn":"dart.org"}`, 404, codeOUNotFound, "ou=Missing"},
		{"parent outside", "createchildou", `{"parentOuDn":"ou=Dart,dc=other,dc=org","newChildOuName":"X","fqdn":"dart.org"}`, 400, codeOutsideDomain, "outside"},
		{"parent unparsable", "createchildou", `{"parentOuDn":"Dart","newChildOuName":"X","fqdn":"dart.org"}`, 400, codeInvalidDN, "parentOuDn"},
		{"no child name", "createchildou", `{"parentOuDn":"ou=Dart,dc=dart,dc=org","fqdn":"dart.org"}`, 400, codeMissingField, "newChildOuName is required"},
	}
	for _, c := range cases {
		h.call(http.MethodPost, "/restapi/"+c.path, c.body).refused(t, c.name, c.status, c.code, c.want)
	}
	kids, err := h.dom.Children(t.Context(), system, baseDN)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range kids {
		if k.Name == "X" || k.Name == "X\x01" {
			t.Errorf("a refused request created %s", k.DN)
		}
	}
	dartKids, _ := h.dom.Children(t.Context(), system, dartOU)
	for _, k := range dartKids {
		if k.Name == "X" {
			t.Errorf("a refused request created %s", k.DN)
		}
	}
}

func TestGetOUMembers(t *testing.T) {
	h := newHarness(t)
	h.call(http.MethodPost, "/restapi/createchildou", `{"parentOuDn":"ou=Dart,dc=dart,dc=org","newChildOuName":"Sub","fqdn":"dart.org"}`).ok(t, "child", nil)
	var got []entryView
	// The seed's form: POST with the DN unencoded in the query string.
	h.call(http.MethodPost, "/restapi/getoumembers?ouDN=ou=Dart,dc=dart,dc=org&FQDN=dart.org", "").ok(t, "getoumembers", &got)
	kinds := map[string]string{}
	for _, e := range got {
		kinds[e.Name] = e.ObjectClass
	}
	want := map[string]string{"existing": "user", "interfaceadmin": "group", "Sub": "organizationalUnit"}
	if len(kinds) != len(want) {
		t.Errorf("members %+v, want %v", got, want)
	}
	for name, class := range want {
		if kinds[name] != class {
			t.Errorf("member %s: objectClass %q, want %q (all: %+v)", name, kinds[name], class, got)
		}
	}
	h.call(http.MethodGet, "/restapi/getoumembers?ouDN=ou=Missing,dc=dart,dc=org&FQDN=dart.org", "").refused(t, "missing", 404, codeOUNotFound)
	h.call(http.MethodGet, "/restapi/getoumembers?FQDN=dart.org", "").refused(t, "no ouDN", 400, codeMissingField, "ouDN is required")
}

func TestOUNamesWithDNCharactersAreEscaped(t *testing.T) {
	h := newHarness(t)
	const odd = `a,b=c+d<e>#f;g"h\i*j(k)`
	var ou ouView
	h.call(http.MethodPost, "/restapi/createparentou", jsonBody(map[string]any{"newOuName": odd, "fqdn": fqdn})).ok(t, "odd OU", &ou)
	if ou.Name != odd {
		t.Fatalf("name %q", ou.Name)
	}
	name, err := directory.FirstRDNValue(ou.DistinguishedName)
	if err != nil || name != odd || !directory.EqualDN(mustParent(t, ou.DistinguishedName), baseDN) {
		t.Errorf("DN %q: first RDN %q (%v), want one RDN %q directly under the base", ou.DistinguishedName, name, err, odd)
	}
	// A child of it, by its DN as returned, and a user in the child.
	var child ouView
	h.call(http.MethodPost, "/restapi/createchildou", jsonBody(map[string]any{"parentOuDn": ou.DistinguishedName,
		"newChildOuName": "kid", "fqdn": fqdn})).ok(t, "child of the odd OU", &child)
	if !directory.EqualDN(mustParent(t, child.DistinguishedName), ou.DistinguishedName) {
		t.Errorf("child DN %q", child.DistinguishedName)
	}
	var members []entryView
	h.call(http.MethodGet, "/restapi/getoumembers?FQDN=dart.org&ouDN="+url.QueryEscape(ou.DistinguishedName), "").ok(t, "members", &members)
	if len(members) != 1 || members[0].Name != "kid" {
		t.Errorf("members of the odd OU %+v", members)
	}
}

func mustParent(t *testing.T, dn string) string {
	t.Helper()
	p, err := directory.ParentDN(dn)
	if err != nil {
		t.Fatalf("parent of %q: %v", dn, err)
	}
	return p
}
