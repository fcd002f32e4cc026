package adweb_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-ldap/ldap/v3"
)

// The request bodies of AD Web's documentation, verbatim; each test
// substitutes the fixture's FQDN and DNs.
const (
	seedCreateUser = `{
"createUser":
{
"SamAccountName": "micheal",
"UserPrincipalName": "micheal@dart.org",
"Password": "dummy@assword",
"ouDN": "CN=Dart,dc=dart,dc=org",
"FQDN": "string"
},
"customAttributes": {
"pager": "some value"
}}`
	seedCreateParentOU = `{
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
	seedCreateChildOU = `{
"parentOuDn": "OU=Dart-ABC,DC=dartjaz,DC=org",
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
	seedMoveUserToOU = `{
"userDN": "cn=micheal,ou=abc,dc=dart,dc=org",
"ouDN": "cn=abc-child,ou=abc,dc=dart,dc=org",
"fqdn": "dart.org"
}`
	seedAssignUserToGroup = `{
"userDN": "cn=micheal,ou=abc,dc=dart,dc=org",
"groupDN": "cn=interfaceadmin,ou=abc,dc=dart,dc=org",
"fqdn": "dart.org"
}`
	seedUpdateUser = `{
"updateUser": {
"userDN": "cn=micheal,ou=dartians,dc=dart,dc=org",
"SamAccountName": "micheal",
"UserPrincipalName": "micheal@dart.org",
"Password": "Abcd$ssw212",
"ouDN": "cn=abcsite,dc=dart,dc=org",
"FQDN": "dart.org"
},
"customAttributes": {
"mail": "user@example.com"
}
}`
	seedEnableUser = `{
"userDN": "cn=micheal,ou=dartians,dc=dart,dc=org",
"FQDN": "dart@org",
"notifyEmail": false
}`
	seedDisableUser = seedEnableUser
	seedUnlockUser  = `{
"userDN": "cn=micheal,ou=dartians,dc=dart,dc=org",
"fqdn": "dart.org",
"notifyEmail": true
}`
	seedPasswordReset = seedUnlockUser

	// The query strings of the read examples.
	seedGetDN             = `getdn?samAccountName=micheal&FQDN=dart.org`
	seedGetOUMembers      = `getoumembers?ouDN=cn=adbc-child,dc=dart,dc=org&FQDN=dart.org`
	seedGetGroupMembers   = `getgroupmembers?groupDN=cn=interfacadmin,dc=dart,dc=org&FQDN=dart.org`
	seedGetUserGroupInfo  = `getusergroupinfo?userDN=cn=miacheal,ou=adbc-child,dc=dart,dc=org&FQDN=dart.org`
	seedGetUserInfo       = `getuserinfo?userDN=cn=miacheal,ou=adbc-child,dc=dart,dc=org&FQDN=dart.org`
	seedGetUsers          = `getusers?ouDN=cn=adbc-child,dc=dart,dc=org&FQDN=dart.org`
	seedPasswordFirst     = "dummy@assword"
	seedPasswordUpdated   = "Abcd$ssw212"
	seedUpdatedMail       = "user@example.com"
	seedUserPrincipalName = "micheal@dart.org"
)

// sub replaces pairs of old, new in a seed text.
func sub(seed string, pairs ...string) string { return strings.NewReplacer(pairs...).Replace(seed) }

// inQuery puts a DN into a query string as AD Web's clients do: unencoded,
// except for spaces, which no HTTP request line can carry.
func inQuery(dn string) string { return strings.ReplaceAll(dn, " ", "%20") }

// testSeedExamples runs every example of the documentation in an order
// that makes each one meaningful, checking the directory after each.
func testSeedExamples(t *testing.T, s *stack) {
	f, c := s.f, s.f.dial(t)
	fqdn := `"` + f.fqdn + `"`
	dart, group := s.dn(dartRDN), s.dn(groupRDN)
	site := s.dn("ou=ABC Site")
	child := "ou=ABC-child," + site
	first, updatedPassword := f.password(seedPasswordFirst), f.password(seedPasswordUpdated)
	s.secrets = append(s.secrets, first, updatedPassword)

	// createuser
	var created struct {
		DistinguishedName string              `json:"distinguishedName"`
		SamAccountName    string              `json:"samAccountName"`
		UserPrincipalName string              `json:"userPrincipalName"`
		CustomAttributes  map[string][]string `json:"customAttributes"`
	}
	s.call(t, http.MethodPost, "createuser", sub(seedCreateUser, `"CN=Dart,dc=dart,dc=org"`, `"`+dart+`"`, `"string"`, fqdn,
		`"`+seedPasswordFirst+`"`, `"`+first+`"`), &created)
	micheal := f.userDN("micheal", dart)
	if !equalDN(created.DistinguishedName, micheal) || created.SamAccountName != "micheal" || created.UserPrincipalName != seedUserPrincipalName {
		t.Errorf("createuser data %+v", created)
	}
	if err := f.bind(t, micheal, first); err != nil {
		t.Errorf("the created user cannot bind with its password: %v", err)
	}
	e := read(t, c, micheal, "pager", f.upnAttr)
	if e == nil || e.GetAttributeValue("pager") != "some value" || e.GetAttributeValue(f.upnAttr) != seedUserPrincipalName {
		t.Errorf("created entry %+v", e)
	}

	// createparentou, createchildou
	s.call(t, http.MethodPost, "createparentou", sub(seedCreateParentOU, `"dart.org"`, fqdn), nil)
	ou := read(t, c, site, "description", "l", "st", "street", "postalCode")
	if ou == nil || ou.GetAttributeValue("l") != "Newyork" || ou.GetAttributeValue("st") != "Newyork" ||
		ou.GetAttributeValue("street") != "1st avenue" || ou.GetAttributeValue("postalCode") != "54561" ||
		ou.GetAttributeValue("description") != "ABC Organization" {
		t.Errorf("parent OU entry %+v", ou)
	}
	if !f.protected(t, c, site) {
		t.Errorf("%s is not protected from deletion", site)
	}
	s.call(t, http.MethodPost, "createchildou", sub(seedCreateChildOU, `"OU=Dart-ABC,DC=dartjaz,DC=org"`, `"`+site+`"`, `"dart.org"`, fqdn), nil)
	if read(t, c, child) == nil || !f.protected(t, c, child) {
		t.Errorf("child OU %s missing or unprotected", child)
	}

	// assignusertogroup
	s.call(t, http.MethodPost, "assignusertogroup", sub(seedAssignUserToGroup,
		"cn=micheal,ou=abc,dc=dart,dc=org", micheal, "cn=interfaceadmin,ou=abc,dc=dart,dc=org", group, `"dart.org"`, fqdn), nil)
	if !hasMember(t, c, group, micheal) {
		t.Errorf("%s is not a member of %s", micheal, group)
	}

	// moveusertoou: the user keeps its password and its groups.
	s.call(t, http.MethodPost, "moveusertoou", sub(seedMoveUserToOU,
		"cn=micheal,ou=abc,dc=dart,dc=org", micheal, "cn=abc-child,ou=abc,dc=dart,dc=org", child, `"dart.org"`, fqdn), nil)
	moved := f.userDN("micheal", child)
	if read(t, c, micheal) != nil || read(t, c, moved) == nil {
		t.Fatalf("after moveusertoou: old %s or new %s entry wrong", micheal, moved)
	}
	if !hasMember(t, c, group, moved) || hasMember(t, c, group, micheal) {
		t.Errorf("the moved user's membership in %s does not follow it", group)
	}
	if err := f.bind(t, moved, first); err != nil {
		t.Errorf("the moved user cannot bind: %v", err)
	}

	// The read examples, POST with DNs unencoded in the query string.
	var dn struct {
		DistinguishedName string `json:"distinguishedName"`
		ObjectClass       string `json:"objectClass"`
	}
	s.call(t, http.MethodPost, sub(seedGetDN, "FQDN=dart.org", "FQDN="+f.fqdn), "", &dn)
	if !equalDN(dn.DistinguishedName, moved) || dn.ObjectClass != "user" {
		t.Errorf("getdn %+v, want %s", dn, moved)
	}
	type listed struct {
		DistinguishedName string `json:"distinguishedName"`
		SamAccountName    string `json:"samAccountName"`
		Name              string `json:"name"`
		ObjectClass       string `json:"objectClass"`
	}
	var kids []listed
	s.call(t, http.MethodPost, sub(seedGetOUMembers, "cn=adbc-child,dc=dart,dc=org", inQuery(child), "FQDN=dart.org", "FQDN="+f.fqdn), "", &kids)
	if len(kids) != 1 || kids[0].Name != "micheal" || kids[0].ObjectClass != "user" {
		t.Errorf("getoumembers %+v", kids)
	}
	var members []listed
	s.call(t, http.MethodPost, sub(seedGetGroupMembers, "cn=interfacadmin,dc=dart,dc=org", inQuery(group), "FQDN=dart.org", "FQDN="+f.fqdn), "", &members)
	if len(members) != 1 || members[0].SamAccountName != "micheal" || !equalDN(members[0].DistinguishedName, moved) {
		t.Errorf("getgroupmembers %+v", members)
	}
	var groups []listed
	s.call(t, http.MethodPost, sub(seedGetUserGroupInfo, "cn=miacheal,ou=adbc-child,dc=dart,dc=org", inQuery(moved), "FQDN=dart.org", "FQDN="+f.fqdn), "", &groups)
	if len(groups) != 1 || groups[0].SamAccountName != "interfaceadmin" {
		t.Errorf("getusergroupinfo %+v", groups)
	}
	var info struct {
		SamAccountName     string `json:"samAccountName"`
		UserPrincipalName  string `json:"userPrincipalName"`
		Mail               string `json:"mail"`
		Enabled            bool   `json:"enabled"`
		MustChangePassword bool   `json:"mustChangePassword"`
	}
	s.call(t, http.MethodPost, sub(seedGetUserInfo, "cn=miacheal,ou=adbc-child,dc=dart,dc=org", inQuery(moved), "FQDN=dart.org", "FQDN="+f.fqdn), "", &info)
	if info.SamAccountName != "micheal" || info.UserPrincipalName != seedUserPrincipalName || !info.Enabled {
		t.Errorf("getuserinfo %+v", info)
	}
	var users []listed
	s.call(t, http.MethodPost, sub(seedGetUsers, "cn=adbc-child,dc=dart,dc=org", inQuery(child), "FQDN=dart.org", "FQDN="+f.fqdn), "", &users)
	if len(users) != 1 || users[0].SamAccountName != "micheal" {
		t.Errorf("getusers %+v", users)
	}

	// updateuser: new password, mail, and a move back up to the site.
	s.call(t, http.MethodPut, "updateuser", sub(seedUpdateUser, "cn=micheal,ou=dartians,dc=dart,dc=org", moved,
		"cn=abcsite,dc=dart,dc=org", site, `"dart.org"`, fqdn, `"`+seedPasswordUpdated+`"`, `"`+updatedPassword+`"`), nil)
	updated := f.userDN("micheal", site)
	if e := read(t, c, updated, "mail"); e == nil || e.GetAttributeValue("mail") != seedUpdatedMail {
		t.Fatalf("after updateuser: %s is %+v", updated, e)
	}
	if err := f.bind(t, updated, updatedPassword); err != nil {
		t.Errorf("the updated password does not bind: %v", err)
	}
	if err := f.bind(t, updated, first); err == nil {
		t.Error("the old password still binds")
	}
	if !hasMember(t, c, group, updated) {
		t.Errorf("after updateuser's move %s left %s", updated, group)
	}

	// disableuser: the seed's FQDN "dart@org" names no domain; with the
	// right one, the account can no longer bind.
	a := s.send(t, s.admin, http.MethodPost, "disableuser", sub(seedDisableUser, "cn=micheal,ou=dartians,dc=dart,dc=org", updated))
	a.refused(t, `disableuser with FQDN "dart@org"`, http.StatusBadRequest, "UNKNOWN_DOMAIN")
	if err := f.bind(t, updated, updatedPassword); err != nil {
		t.Errorf("a refused disableuser disabled the account: %v", err)
	}
	s.call(t, http.MethodPost, "disableuser", sub(seedDisableUser, "cn=micheal,ou=dartians,dc=dart,dc=org", updated, `"dart@org"`, fqdn), nil)
	if err := f.bind(t, updated, updatedPassword); !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		t.Errorf("a disabled account binds: %v", err)
	}
	if !f.disabled(t, c, updated) {
		t.Error("the directory does not show the account disabled")
	}
	// enableuser
	s.call(t, http.MethodPost, "enableuser", sub(seedEnableUser, "cn=micheal,ou=dartians,dc=dart,dc=org", updated, `"dart@org"`, fqdn), nil)
	if err := f.bind(t, updated, updatedPassword); err != nil {
		t.Errorf("an enabled account cannot bind: %v", err)
	}

	// passwordreset: the returned password binds, must be changed, and is
	// mailed to the user.
	var reset struct {
		Password           string `json:"password"`
		MustChangePassword bool   `json:"mustChangePassword"`
		EmailSent          bool   `json:"emailSent"`
	}
	a = s.call(t, http.MethodPut, "passwordreset", sub(seedPasswordReset, "cn=micheal,ou=dartians,dc=dart,dc=org", updated, `"dart.org"`, fqdn), &reset)
	s.secrets = append(s.secrets, reset.Password)
	if len(reset.Password) < 16 || !reset.MustChangePassword || !reset.EmailSent {
		t.Fatalf("passwordreset %s", compact(a.body))
	}
	if err := f.bind(t, updated, reset.Password); err != nil {
		t.Errorf("the reset password does not bind: %v", err)
	}
	if !f.mustChange(t, c, updated) {
		t.Error("the reset password need not be changed")
	}
	s.call(t, http.MethodGet, "getuserinfo?userDN="+inQuery(updated)+"&FQDN="+f.fqdn, "", &info)
	if !info.MustChangePassword || info.Mail != seedUpdatedMail {
		t.Errorf("getuserinfo after passwordreset %+v", info)
	}
	mails := s.sink.To(seedUpdatedMail)
	if len(mails) != 1 || !strings.Contains(mails[0].Data, "Temporary password: "+reset.Password+"\r\n") {
		t.Errorf("mails to %s: %+v", seedUpdatedMail, mails)
	}
	if a.header.Get("Cache-Control") != "no-store" {
		t.Errorf("passwordreset Cache-Control %q", a.header.Get("Cache-Control"))
	}
}

// testUnlock locks an account with failed binds straight to the
// directory, then runs the unlockuser example.
func testUnlock(t *testing.T, s *stack) {
	f := s.f
	const password = "Lock-Test-Pw-42"
	s.secrets = append(s.secrets, password)
	body := `{"createUser":{"SamAccountName":"locky","UserPrincipalName":"locky@dart.org","Password":"` + password +
		`","ouDN":"` + s.dn(dartRDN) + `","FQDN":"` + f.fqdn + `"}}`
	s.call(t, http.MethodPost, "createuser", body, nil)
	dn := f.userDN("locky", s.dn(dartRDN))
	for range f.lockout {
		_ = f.bind(t, dn, "wrong-password")
	}
	if err := f.bind(t, dn, password); err == nil {
		t.Fatalf("%d failed binds did not lock %s", f.lockout, dn)
	}
	var info struct {
		LockedOut bool `json:"lockedOut"`
		Enabled   bool `json:"enabled"`
	}
	s.call(t, http.MethodPost, "getuserinfo?userDN="+inQuery(dn)+"&FQDN="+f.fqdn, "", &info)
	if !info.LockedOut || !info.Enabled {
		t.Errorf("getuserinfo of a locked account %+v", info)
	}
	var out struct {
		EmailSent  bool   `json:"emailSent"`
		EmailError string `json:"emailError"`
	}
	s.call(t, http.MethodPut, "unlockuser", sub(seedUnlockUser, "cn=micheal,ou=dartians,dc=dart,dc=org", dn, `"dart.org"`, `"`+f.fqdn+`"`), &out)
	if err := f.bind(t, dn, password); err != nil {
		t.Errorf("after unlockuser the account cannot bind: %v", err)
	}
	// notifyEmail true, but the user has no mail address: said so.
	if out.EmailSent || out.EmailError == "" {
		t.Errorf("unlockuser mail outcome %+v", out)
	}
}

func equalDN(a, b string) bool {
	pa, errA := ldap.ParseDN(a)
	pb, errB := ldap.ParseDN(b)
	return errA == nil && errB == nil && pa.EqualFold(pb)
}
