package config

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/dirgate/dirgate/internal/dialect"
)

// TestRegisteredDialectsSurviveSave saves every registered dialect's
// configuration, bootstrapped as the quick start does, and loads it back:
// what the quick start writes must read back to the same settings.
func TestRegisteredDialectsSurviveSave(t *testing.T) {
	withFakes(t)
	dir := t.TempDir()
	cfg := defaults()
	cfg.DataDir = dir
	cfg.Domains = []Domain{NewDomain("example.com", Backend{Type: "fake", Config: &fakeBackend{URLs: []string{"ldap://x"}, Timeout: 1}})}
	cfg.Dialects = map[string]Dialect{}
	for _, name := range reg.DialectNames() {
		if name == "fake" {
			continue
		}
		dc, _ := reg.NewDialectConfig(name)
		d := Dialect{Enabled: true, Config: dc}
		if name == "artica" {
			d.Listeners = []Listener{{Unix: filepath.Join(dir, "articarest.sock"), Mode: DefaultSocketMode}}
		}
		if b, ok := dc.(dialect.Bootstrapper); ok {
			var ls []dialect.Listener
			for _, l := range d.Listeners {
				ls = append(ls, l.Dialect())
			}
			n := 0
			if _, err := b.Bootstrap(&dialect.Bootstrap{
				DataDir: dir, AdminUsername: "admin", AdminGroup: "dirgate-admins", Listeners: ls,
				Secret: func(int) string { n++; return "s3cret-s3cret-s3cret-s3cret-s3cret-s3cret-" + string(rune('a'+n)) },
			}); err != nil {
				t.Fatalf("%s: bootstrap: %v", name, err)
			}
		}
		cfg.Dialects[name] = d
	}
	path := filepath.Join(dir, "dirgate.yaml")
	if err := Save(&cfg, path, "test"); err != nil {
		t.Fatal(err)
	}
	loaded, err := Load(reg, Source{File: path})
	if err != nil {
		raw, _ := os.ReadFile(path)
		t.Fatalf("the saved configuration does not load: %v\n%s", err, raw)
	}
	first, err := Marshal(&cfg, "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := Marshal(loaded, "")
	if err != nil {
		t.Fatal(err)
	}
	if string(first) != string(second) {
		t.Errorf("settings changed through save and load:\nsaved:\n%s\nloaded:\n%s", first, second)
	}
}
