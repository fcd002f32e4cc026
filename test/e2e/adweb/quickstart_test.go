package adweb_test

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestQuickStartKey: `dirgate serve` without a configuration generates an
// AD-web key pair, shows it once in initial-credentials.json, stores only
// its hash, and the pair keeps working after a restart.
func TestQuickStartKey(t *testing.T) {
	dataDir := t.TempDir()
	p := e2eutil.Start(t, e2eutil.Options{DataDir: dataDir})
	section, ok := p.Credentials()["adweb"].(map[string]any)
	if !ok {
		t.Fatalf("initial-credentials.json has no adweb section: %v", p.Credentials())
	}
	pair := keyPair{key: section["apiKey"].(string), secret: section["apiSecret"].(string)}
	if pair.key == "" || pair.secret == "" {
		t.Fatalf("adweb section %v", section)
	}
	s := &stack{proc: p, url: p.URL + "/restapi/", admin: pair}

	var dn struct {
		DistinguishedName string `json:"distinguishedName"`
		ObjectClass       string `json:"objectClass"`
	}
	s.call(t, http.MethodPost, "getdn?samAccountName=admin&FQDN=example.com", "", &dn)
	if dn.ObjectClass != "user" || !strings.HasPrefix(strings.ToLower(dn.DistinguishedName), "uid=admin,") {
		t.Errorf("getdn(admin) %+v", dn)
	}
	// Full access: it may write.
	s.call(t, http.MethodPost, "createparentou", `{"newOuName":"QuickStart","fqdn":"example.com"}`, nil)

	// Only the hash is on disk.
	files, _ := filepath.Glob(filepath.Join(dataDir, "*.yaml"))
	for _, f := range files {
		raw, _ := os.ReadFile(f)
		if strings.Contains(string(raw), pair.secret) {
			t.Errorf("%s holds the API secret itself", f)
		}
		if !strings.Contains(string(raw), pair.key) {
			t.Errorf("%s does not hold the key", f)
		}
	}

	p.Stop()
	p = e2eutil.Start(t, e2eutil.Options{DataDir: dataDir})
	s.proc, s.url = p, p.URL+"/restapi/"
	s.call(t, http.MethodPost, "getdn?samAccountName=QuickStart&FQDN=example.com", "", &dn)
	if dn.ObjectClass != "organizationalUnit" {
		t.Errorf("after a restart getdn(QuickStart) %+v", dn)
	}
	s.send(t, keyPair{pair.key, "wrong"}, http.MethodPost, "getdn?samAccountName=admin&FQDN=example.com", "").
		refused(t, "wrong secret", http.StatusUnauthorized, "UNAUTHORIZED")
	if strings.Contains(p.Output(), pair.secret) {
		t.Error("dirgate's output shows the API secret")
	}
}

// TestQuickStartTakesTheSeedCreateUser: the original's own createuser
// example, customAttributes {"pager": "some value"} included, works on the
// quick start without configuration; a security-bearing attribute in the
// same place is refused and creates nothing.
func TestQuickStartTakesTheSeedCreateUser(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{DataDir: t.TempDir()})
	section, _ := p.Credentials()["adweb"].(map[string]any)
	key, _ := section["apiKey"].(string)
	secret, _ := section["apiSecret"].(string)
	s := &stack{proc: p, url: p.URL + "/restapi/", admin: keyPair{key: key, secret: secret}}

	var ou struct {
		DistinguishedName string `json:"distinguishedName"`
	}
	s.call(t, http.MethodPost, "createparentou", `{"newOuName":"Dart","fqdn":"example.com"}`, nil)
	s.call(t, http.MethodPost, "getdn?samAccountName=Dart&FQDN=example.com", "", &ou)
	body := strings.NewReplacer(`"CN=Dart,dc=dart,dc=org"`, `"`+ou.DistinguishedName+`"`, `"FQDN": "string"`, `"FQDN": "example.com"`).
		Replace(seedCreateUser)
	var created struct {
		CustomAttributes map[string][]string `json:"customAttributes"`
	}
	s.call(t, http.MethodPost, "createuser", body, &created)
	if got := created.CustomAttributes["pager"]; len(got) != 1 || got[0] != "some value" {
		t.Errorf("customAttributes after the seed's createuser: %v", created.CustomAttributes)
	}

	for _, attr := range []string{"unicodePwd", "memberOf", "userAccountControl", "msDS-AllowedToDelegateTo"} {
		bad := strings.NewReplacer(`"micheal"`, `"mallory"`, "micheal@", "mallory@", `"pager"`, `"`+attr+`"`).Replace(body)
		s.send(t, s.admin, http.MethodPost, "createuser", bad).refused(t, "customAttributes "+attr, http.StatusBadRequest, "ATTRIBUTE_NOT_ALLOWED")
	}
	s.send(t, s.admin, http.MethodPost, "getdn?samAccountName=mallory&FQDN=example.com", "").
		refused(t, "a refused createuser left mallory behind", http.StatusNotFound, "NOT_FOUND")
}
