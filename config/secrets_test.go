package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSecretFromAFile: DIRGATE_<KEY>_FILE gives a secret key the file's
// content, without its trailing newline; with the variable itself set
// too, loading fails rather than guess which one was meant.
func TestSecretFromAFile(t *testing.T) {
	withFakes(t)
	path := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(path, []byte("from-a-file\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DIRGATE_DIALECTS_FAKE_CONFIG_TOKEN_FILE", path)
	cfg, err := Load(reg, Source{File: writeFile(t, goodYAML)})
	if err != nil || cfg.Dialects["fake"].Config.(*fakeDialect).Token != "from-a-file" {
		t.Fatalf("token from a file: %v %+v", err, cfg)
	}

	t.Setenv("DIRGATE_DIALECTS_FAKE_CONFIG_TOKEN", "from-the-environment")
	if _, err := Load(reg, Source{File: writeFile(t, goodYAML)}); err == nil || !strings.Contains(err.Error(), "both set") {
		t.Errorf("both the variable and its _FILE: %v", err)
	}

	// A key that is not a secret keeps its own meaning: audit.file is
	// DIRGATE_AUDIT_FILE, not "DIRGATE_AUDIT from a file".
	os.Unsetenv("DIRGATE_DIALECTS_FAKE_CONFIG_TOKEN")
	t.Setenv("DIRGATE_AUDIT_FILE", filepath.Join(t.TempDir(), "audit.log"))
	cfg, err = Load(reg, Source{File: writeFile(t, goodYAML)})
	if err != nil || cfg.Audit.File != os.Getenv("DIRGATE_AUDIT_FILE") {
		t.Errorf("audit.file: %v %q", err, cfg.Audit.File)
	}
}

// TestMarshalMaskedHidesEverySecret: `config print` shows the effective
// configuration with every secret masked and nothing else changed.
func TestMarshalMaskedHidesEverySecret(t *testing.T) {
	withFakes(t)
	cfg, err := Load(reg, Source{File: writeFile(t, goodYAML)})
	if err != nil {
		t.Fatal(err)
	}
	out, err := MarshalMasked(cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if strings.Contains(text, "s3cret") || !strings.Contains(text, `token: "`+Masked+`"`) {
		t.Errorf("the token is not masked:\n%s", text)
	}
	if !strings.Contains(text, "listen: 127.0.0.1:9090") || !strings.Contains(text, "readTimeout: 5s") {
		t.Errorf("the rest is not shown as loaded:\n%s", text)
	}
}

func TestIsSecretKey(t *testing.T) {
	for key, want := range map[string]bool{
		"bindPassword": true, "jwtSecret": true, "previousJwtSecrets": true, "token": true, "secretHash": true,
		"password": true, "tokenLifetime": false, "bindPasswordFile": false, "passwordPolicy": false, "file": false,
	} {
		if IsSecretKey(key) != want {
			t.Errorf("IsSecretKey(%q) = %v", key, !want)
		}
	}
}
