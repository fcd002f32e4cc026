package serve

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/registry"
	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/test/e2eutil"
)

// TestExportImport exports a quick start, imports it back with --replace,
// and, where the ldap backend and slapd exist, moves it into OpenLDAP:
// the quick start's way out of the embedded store.
func TestExportImport(t *testing.T) {
	p := e2eutil.Start(t, e2eutil.Options{})
	password := p.Credentials()["admin"].(map[string]any)["password"].(string)
	if code := p.Stop(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	ldif := filepath.Join(t.TempDir(), "backup.ldif")
	res := e2eutil.Run(t, nil, "export", "--data-dir", p.DataDir, "--out", ldif)
	if res.Code != 0 {
		t.Fatalf("export: %d %s", res.Code, res.Stderr)
	}
	fi, err := os.Stat(ldif)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("export file: %v %v", fi, err)
	}
	raw, _ := os.ReadFile(ldif)
	for _, want := range []string{"dn: dc=example,dc=com", "uid=admin,", "cn=dirgate-admins,"} {
		if !strings.Contains(string(raw), want) {
			t.Errorf("export lacks %q", want)
		}
	}
	if strings.Contains(string(raw), password) {
		t.Error("the export holds the admin password in clear")
	}

	res = e2eutil.Run(t, nil, "import", "--data-dir", p.DataDir, "--in", ldif, "--replace")
	if res.Code != 0 || !strings.Contains(res.Stderr, "imported") {
		t.Errorf("import --replace: %d %s", res.Code, res.Stderr)
	}

	if _, ok := registry.Backends()["ldap"]; !ok {
		t.Log("the ldap backend is not registered yet: not moving the export into OpenLDAP")
		return
	}
	_, backend := e2eutil.LDAP(t, slapd.Options{})
	cfgPath := filepath.Join(t.TempDir(), "ldap.yaml")
	if err := writeFile(cfgPath, e2eutil.DomainConfig(t, "example.com", backend, nil)); err != nil {
		t.Fatal(err)
	}
	res = e2eutil.Run(t, nil, "import", "--config", cfgPath, "--in", ldif)
	if res.Code != 0 {
		t.Fatalf("import into OpenLDAP: %d %s", res.Code, res.Stderr)
	}
	again := filepath.Join(t.TempDir(), "from-ldap.ldif")
	res = e2eutil.Run(t, nil, "export", "--config", cfgPath, "--out", again)
	if res.Code != 0 {
		t.Fatalf("export from OpenLDAP: %d %s", res.Code, res.Stderr)
	}
	back, _ := os.ReadFile(again)
	if !strings.Contains(string(back), "uid=admin,") {
		t.Error("the admin did not arrive in OpenLDAP")
	}
}
