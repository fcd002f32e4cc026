package adweb

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestCredentialsAreRequired(t *testing.T) {
	h := newHarness(t)
	path := "/restapi/getuserinfo?userDN=" + h.existing.DN + "&FQDN=dart.org"
	for _, c := range []struct {
		name string
		k    credentials
		want string
	}{
		{"no headers", credentials{}, "the ApiKey and ApiSecret headers are required"},
		{"no secret", credentials{key: h.admin.key}, "the ApiKey and ApiSecret headers are required"},
		{"wrong secret", credentials{h.admin.key, h.admin.secret + "x"}, "invalid ApiKey or ApiSecret"},
		{"secret of another key", credentials{h.admin.key, h.readOnly.secret}, "invalid ApiKey or ApiSecret"},
		{"unknown key", credentials{"1Q3HKk8s9ggN9GubbSFSBG3YHA8Ei6ZBXRd0", h.admin.secret}, "invalid ApiKey or ApiSecret"},
	} {
		h.send(c.k, http.MethodGet, path, "").refused(t, c.name, 401, codeUnauthorized, c.want)
	}
	// Unknown endpoints are not revealed to strangers either.
	h.send(credentials{}, http.MethodGet, "/restapi/nosuch", "").refused(t, "stranger", 401, codeUnauthorized)
	h.call(http.MethodGet, "/restapi/nosuch", "").refused(t, "unknown endpoint", 404, codeEndpointNotFound, "nosuch")
	h.call(http.MethodGet, "/restapi", "").refused(t, "the prefix", 404, codeEndpointNotFound)
	h.noSecretsLeaked(h.admin.secret, h.readOnly.secret)
}

func TestReadOnlyKeyCannotWrite(t *testing.T) {
	h := newHarness(t)
	h.send(h.readOnly, http.MethodGet, "/restapi/getuserinfo?userDN="+h.existing.DN+"&FQDN=dart.org", "").ok(t, "read", nil)
	writes := []struct{ method, path, body string }{
		{http.MethodPost, "createuser", seedCreateUser},
		{http.MethodPost, "createparentou", `{"newOuName":"RO","fqdn":"dart.org"}`},
		{http.MethodPost, "disableuser", `{"userDN":"` + h.existing.DN + `","FQDN":"dart.org"}`},
		{http.MethodPut, "passwordreset", `{"userDN":"` + h.existing.DN + `","FQDN":"dart.org"}`},
		{http.MethodPost, "assignusertogroup", `{"userDN":"` + h.existing.DN + `","groupDN":"` + groupDN + `","FQDN":"dart.org"}`},
		{http.MethodPost, "moveusertoou", `{"userDN":"` + h.existing.DN + `","ouDN":"` + scopedOU + `","FQDN":"dart.org"}`},
		{http.MethodPut, "updateuser", `{"updateUser":{"userDN":"` + h.existing.DN + `","FQDN":"dart.org"},"customAttributes":{"title":"x"}}`},
	}
	for _, w := range writes {
		h.send(h.readOnly, w.method, "/restapi/"+w.path, w.body).refused(t, "read-only "+w.path, 403, codeForbidden, "read-only")
	}
	if h.user(directory.ByName("micheal")) != nil {
		t.Error("a read-only key created a user")
	}
	u := h.user(directory.ByID(h.existing.ID))
	if !u.Enabled || u.Title != "" || !directory.EqualDN(u.DN, h.existing.DN) || len(h.groupsOf(directory.ByID(u.ID))) != 0 {
		t.Errorf("a read-only key changed the user: %+v", u)
	}
	if _, err := h.login("existing", goodPass); err != nil {
		t.Errorf("a read-only key changed the password: %v", err)
	}
}

func TestSubtreeKeyStaysInItsSubtree(t *testing.T) {
	h := newHarness(t)
	inside := jsonBody(map[string]any{"createUser": map[string]any{"SamAccountName": "scopedone", "UserPrincipalName": "s@dart.org",
		"Password": goodPass, "ouDN": scopedOU, "FQDN": fqdn}})
	var created userView
	h.send(h.scoped, http.MethodPost, "/restapi/createuser", inside).ok(t, "create inside", &created)

	outside := strings.Replace(inside, scopedOU, dartOU, 1)
	outside = strings.Replace(outside, "scopedone", "scopedtwo", 1)
	h.send(h.scoped, http.MethodPost, "/restapi/createuser", outside).refused(t, "create outside", 403, codeForbidden, "outside the allowed subtrees")
	if h.user(directory.ByName("scopedtwo")) != nil {
		t.Error("the scoped key created a user outside its subtree")
	}
	h.send(h.scoped, http.MethodGet, "/restapi/getuserinfo?userDN="+h.existing.DN+"&FQDN=dart.org", "").refused(t, "read outside", 403, codeForbidden)
	h.send(h.scoped, http.MethodPost, "/restapi/disableuser", `{"userDN":"`+h.existing.DN+`","FQDN":"dart.org"}`).refused(t, "disable outside", 403, codeForbidden)
	h.send(h.scoped, http.MethodPost, "/restapi/moveusertoou", jsonBody(map[string]string{"userDN": created.DistinguishedName, "ouDN": dartOU, "fqdn": fqdn})).
		refused(t, "move out", 403, codeForbidden)
	if u := h.user(directory.ByName("existing")); !u.Enabled {
		t.Error("the scoped key disabled a user outside its subtree")
	}
	if u := h.user(directory.ByName("scopedone")); !directory.IsUnder(u.DN, scopedOU) {
		t.Errorf("the scoped key moved its user out: %s", u.DN)
	}
	var users []userView
	h.send(h.scoped, http.MethodGet, "/restapi/getusers?ouDN="+baseDN+"&FQDN=dart.org", "").ok(t, "getusers from the base", &users)
	if len(users) != 1 || users[0].SamAccountName != "scopedone" {
		t.Errorf("the scoped key sees %+v", users)
	}
}

func TestOversizedBodyIsRefusedInTheEnvelope(t *testing.T) {
	h := newHarness(t)
	big := `{"createUser":{"SamAccountName":"big","UserPrincipalName":"big@dart.org","Password":"` + goodPass +
		`","ouDN":"` + dartOU + `","FQDN":"dart.org"},"customAttributes":{"pager":"` + strings.Repeat("x", bodyLimit) + `"}}`
	h.call(http.MethodPost, "/restapi/createuser", big).refused(t, "oversized", 413, codeBodyTooLarge)
	if h.user(directory.ByName("big")) != nil {
		t.Error("an oversized request created a user")
	}
}
