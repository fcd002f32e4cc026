package adweb

import (
	"errors"
	"strings"
	"testing"
)

func TestNewKeyStoresOnlyTheHash(t *testing.T) {
	k, secret, err := NewKey("ci", true, []string{"ou=a,dc=x"})
	if err != nil {
		t.Fatal(err)
	}
	if len(k.Key) != keyLength || len(secret) != secretLength {
		t.Errorf("lengths: key %d secret %d", len(k.Key), len(secret))
	}
	if strings.Contains(k.SecretHash, secret) || !strings.HasPrefix(k.SecretHash, "sha256:") || len(k.SecretHash) != 7+64 {
		t.Errorf("secretHash %q", k.SecretHash)
	}
	if !k.ReadOnly || k.Subtrees[0] != "ou=a,dc=x" || k.Name != "ci" {
		t.Errorf("key config %+v", k)
	}
	k2, secret2, _ := NewKey("", false, nil)
	if k2.Key == k.Key || secret2 == secret {
		t.Error("two generated keys are equal")
	}
}

func TestKeyringCheck(t *testing.T) {
	k, secret, _ := NewKey("ci", true, []string{"ou=a,dc=x"})
	kr, err := newKeyring([]KeyConfig{k})
	if err != nil {
		t.Fatal(err)
	}
	got, err := kr.check(k.Key, secret)
	if err != nil || got.name != "apikey:ci" || !got.scope.ReadOnly || got.scope.Subtrees[0] != "ou=a,dc=x" {
		t.Fatalf("check = %+v, %v", got, err)
	}
	for _, c := range [][2]string{{k.Key, secret + "x"}, {k.Key, ""}, {"other", secret}, {"", ""}} {
		if _, err := kr.check(c[0], c[1]); !errors.Is(err, errBadCredentials) {
			t.Errorf("check(%q, %q) = %v", c[0], c[1], err)
		}
	}
	if _, err := newKeyring([]KeyConfig{{Key: "a", SecretHash: "plain"}}); err == nil {
		t.Error("a key without a sha256 hash was accepted")
	}
}

func TestConfigValidateListsEveryProblem(t *testing.T) {
	good, _, _ := NewKey("", false, nil)
	c := &Config{
		Keys: []KeyConfig{good, good, {Key: "", SecretHash: "md5:00"}, {Key: "k", SecretHash: good.SecretHash, Subtrees: []string{"not a dn"}}},
		SMTP: SMTPConfig{Host: "mail", Security: "ssl", From: "not an address"},
	}
	err := c.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad config")
	}
	for _, want := range []string{
		"keys[1].key: configured twice", "keys[2].key: required", "keys[2].secretHash:",
		`keys[3].subtrees[0]: "not a dn" is not a valid DN`, `smtp.security: "ssl"`, "smtp.from:",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v\nmissing %q", err, want)
		}
	}
	if err := (&Config{Keys: []KeyConfig{good}, SMTP: SMTPConfig{Host: "localhost", From: "a@b.c"}}).Validate(); err != nil {
		t.Errorf("good config refused: %v", err)
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("defaults refused: %v", err)
	}
}

func TestBootstrapAddsAWorkingKey(t *testing.T) {
	c := DefaultConfig()
	section, err := c.Bootstrap(nil)
	if err != nil {
		t.Fatal(err)
	}
	creds := section.(Credentials)
	if len(c.Keys) != 1 || c.Keys[0].Key != creds.APIKey || c.Keys[0].ReadOnly || len(c.Keys[0].Subtrees) != 0 {
		t.Fatalf("keys after bootstrap: %+v", c.Keys)
	}
	kr, _ := newKeyring(c.Keys)
	if _, err := kr.check(creds.APIKey, creds.APISecret); err != nil {
		t.Errorf("the bootstrapped pair does not authenticate: %v", err)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("config after bootstrap: %v", err)
	}
}
