package artica

import (
	"net/http"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
)

func TestTCPListener(t *testing.T) {
	g := startGateway(t, slapd.GroupOfNames)
	url := "http://" + g.tcp + "/openldap/status"
	local := tcpClient("127.0.0.1")
	denied := func(client *http.Client, h http.Header) {
		t.Helper()
		r := g.do(client, "GET", url, "", h, http.StatusForbidden)
		if r.Status || r.Error != "Authentication failed" || r.Info != "" || len(r.Data) != 0 {
			t.Fatalf("want Artica's 403, got %+v", r)
		}
	}
	denied(local, nil)
	denied(local, http.Header{"X-Auth-Token": {"wrong-key-0123456789"}})
	// Outside the allow-list (127.0.0.1/32), even with the right key and a
	// forged forwarding header.
	denied(tcpClient("127.0.0.2"), http.Header{"X-Auth-Token": {tcpKey}, "X-Forwarded-For": {"127.0.0.1"}})

	for _, h := range []string{"X-Auth-Token", "X-API-Key"} {
		if r := g.do(local, "GET", url, "", http.Header{h: {tcpKey}}, http.StatusOK); !r.Status {
			t.Fatalf("%s: %+v", h, r)
		}
	}
	r := g.do(local, "POST", "http://"+g.tcp+"/openldap/members",
		`{"login":"tcpuser","password":"Secret-42","ou":"example.com"}`,
		http.Header{"X-API-Key": {tcpKey}, "Content-Type": {"application/json"}}, http.StatusOK)
	if !r.Status {
		t.Fatalf("create over TCP: %+v", r)
	}
	if entry(t, g.ldapConn(), "uid=tcpuser,ou=users,"+orgDN) == nil {
		t.Fatal("tcpuser was not created")
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	g := startGateway(t, slapd.GroupOfNames)
	conn := g.ldapConn()
	for body, want := range map[string]string{
		`{"login":"x1",`: "malformed JSON",
		`{"login":"x1)(uid=*","password":"Secret-42","ou":"example.com"}`:                                           "contains one of the characters",
		`{"login":"x1","password":"Secret-42","ou":"example.com,dc=x"}`:                                             "contains one of the characters",
		`{"login":"x1","password":"Secret-42","ou":"other.org"}`:                                                    "unknown organization",
		`{"login":"x1","ou":"example.com"}`:                                                                         "password is required",
		`{"login":"x1","password":"Secret-42","ou":"example.com","gpid":77}`:                                        "group 77 not found",
		`{"login":"x1","password":"Secret-42","ou":"example.com","firstname":"` + strings.Repeat("a", 2<<20) + `"}`: "request body too large",
	} {
		r := g.unix("POST", "/openldap/members", body)
		if r.Status || !strings.Contains(r.Error, want) {
			t.Errorf("want %q, got %+v", want, r)
		}
	}
	if entry(t, conn, "uid=x1,ou=users,"+orgDN) != nil {
		t.Fatal("a refused request created x1")
	}
	g.unix("POST", "/openldap/members", `{"login":"x2","password":"Secret-42","ou":"example.com"}`)
	if r := g.unix("PUT", "/openldap/members/x2", `{"title":"Boss","uidNumber":"0"}`); r.Status || !strings.Contains(r.Error, `"uidNumber"`) {
		t.Fatalf("whitelist: %+v", r)
	}
	if e := entry(t, conn, "uid=x2,ou=users,"+orgDN, "title"); e == nil || e.GetAttributeValue("title") != "" {
		t.Fatalf("a refused update changed x2: %v", e)
	}
	for path, want := range map[string]string{
		"/openldap/install":                              "not supported: dirgate does not manage the directory server",
		"/openldap/uninstall":                            "not supported: dirgate does not manage the directory server",
		"/openldap/backup/import/..%2F..%2Fetc%2Fpasswd": "bare name",
		"/openldap/backup/import/nothing.gz":             "not found",
		"/openldap/members/nobody":                       "member nobody not found",
		"/openldap/groups?ou=nowhere":                    "unknown organization",
	} {
		if r := g.unix("GET", path, ""); r.Status || !strings.Contains(r.Error, want) {
			t.Errorf("GET %s: want %q, got %+v", path, want, r)
		}
	}
}
