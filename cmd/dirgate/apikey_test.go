package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/adapters/adweb"
)

func TestAPIKeyCreatePrintsAPairAndItsEntry(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"apikey", "create", "--name", "helpdesk", "--read-only",
		"--subtree", "OU=Help Desk,DC=dart,DC=org", "--subtree", "ou=b,dc=dart,dc=org"}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	text := out.String()
	var key, secret string
	for line := range strings.SplitSeq(text, "\n") {
		if v, ok := strings.CutPrefix(line, "ApiKey:"); ok {
			key = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "ApiSecret:"); ok {
			secret = strings.TrimSpace(v)
		}
	}
	if key == "" || secret == "" {
		t.Fatalf("no pair in:\n%s", text)
	}
	_, entry, ok := strings.Cut(text, "dialects.adweb.config.keys:\n\n")
	if !ok {
		t.Fatalf("no entry in:\n%s", text)
	}
	// The configuration's own spelling of the keys, as the loader reads it.
	var entries []struct {
		Name       string   `yaml:"name"`
		Key        string   `yaml:"key"`
		SecretHash string   `yaml:"secretHash"`
		ReadOnly   bool     `yaml:"readOnly"`
		Subtrees   []string `yaml:"subtrees"`
	}
	if err := yaml.Unmarshal([]byte(entry), &entries); err != nil {
		t.Fatalf("the entry is not YAML: %v\n%s", err, entry)
	}
	if len(entries) != 1 {
		t.Fatalf("entries: %+v", entries)
	}
	k := adweb.KeyConfig(entries[0])
	keys := []adweb.KeyConfig{k}
	if k.Key != key || k.Name != "helpdesk" || !k.ReadOnly ||
		strings.Join(k.Subtrees, ";") != "OU=Help Desk,DC=dart,DC=org;ou=b,dc=dart,dc=org" {
		t.Errorf("entry %+v", k)
	}
	if k.SecretHash != adweb.HashSecret(secret) {
		t.Errorf("secretHash %q is not the hash of the printed secret", k.SecretHash)
	}
	if strings.Count(text, secret) != 1 {
		t.Error("the secret appears more than once (it must not be in the entry)")
	}
	if err := (&adweb.Config{Keys: keys}).Validate(); err != nil {
		t.Errorf("the printed entry does not validate: %v", err)
	}
}

func TestAPIKeyCreateRefusesABadSubtree(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"apikey", "create", "--subtree", "not a dn"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), `--subtree "not a dn" is not a valid DN`) || out.Len() != 0 {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out.String(), errOut.String())
	}
}
