package adweb

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestListAnswersAreBounded(t *testing.T) {
	h := newHarness(t, func(c *Config) { c.MaxResults = 2 })
	for _, name := range []string{"second", "third"} {
		u, err := h.dom.CreateUser(t.Context(), system, directory.NewUser{ParentDN: dartOU, Username: name})
		if err != nil {
			t.Fatal(err)
		}
		if err := h.dom.AddMember(t.Context(), system, directory.ByDN(groupDN), directory.UserRef(directory.ByDN(u.DN))); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.dom.AddMember(t.Context(), system, directory.ByDN(groupDN), directory.UserRef(directory.ByDN(h.existing.DN))); err != nil {
		t.Fatal(err)
	}
	// Three users and a group in ou=Dart, three members in the group:
	// each list is one past the bound of 2.
	for _, path := range []string{
		"/restapi/getusers?ouDN=" + dartOU + "&FQDN=" + fqdn,
		"/restapi/getoumembers?ouDN=" + dartOU + "&FQDN=" + fqdn,
		"/restapi/getgroupmembers?groupDN=" + groupDN + "&FQDN=" + fqdn,
	} {
		h.call(http.MethodPost, path, "").refused(t, path, http.StatusBadRequest, codeTooManyResults, "more than 2")
	}
	// At the bound the answer is whole.
	var users []userView
	h.call(http.MethodPost, "/restapi/getusers?ouDN="+scopedOU+"&FQDN="+fqdn, "").ok(t, "getusers of an empty OU", &users)
	var groups []groupView
	h.call(http.MethodPost, "/restapi/getusergroupinfo?userDN="+h.existing.DN+"&FQDN="+fqdn, "").ok(t, "one group", &groups)
	if len(groups) != 1 {
		t.Errorf("getusergroupinfo: %+v", groups)
	}
}

func TestLoneSurrogateIsRefused(t *testing.T) {
	h := newHarness(t)
	for _, s := range []string{`\ud800`, `\udc00`, `x\ud83dy`} {
		body := `{"createUser":{"SamAccountName":"sur` + s + `","Password":"` + goodPass + `","ouDN":"` + dartOU + `","FQDN":"` + fqdn + `"}}`
		h.call(http.MethodPost, "/restapi/createuser", body).refused(t, s, http.StatusBadRequest, codeInvalidJSON, "surrogate")
	}
	page, err := h.dom.SearchUsers(t.Context(), system, directory.Query{Base: dartOU})
	if err != nil || len(page.Items) != 1 {
		t.Errorf("users after lone surrogates: %d %v", len(page.Items), err)
	}
}

func TestNegativeMaxResultsIsRefused(t *testing.T) {
	c := DefaultConfig()
	c.MaxResults = -1
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "maxResults: must not be negative") {
		t.Errorf("Validate() = %v", err)
	}
}
