package dialect_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/dialect"
)

func TestSecretHashMatchesOnlyItsSecret(t *testing.T) {
	secret, err := dialect.RandomAlphanumeric(48)
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != 48 || strings.Trim(secret, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") != "" {
		t.Fatalf("secret %q: want 48 letters and digits", secret)
	}
	stored := dialect.HashSecret(secret)
	if strings.Contains(stored, secret) || !strings.HasPrefix(stored, dialect.SecretHashPrefix) {
		t.Fatalf("stored form %q", stored)
	}
	h, err := dialect.ParseSecretHash(stored)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Matches(secret) {
		t.Error("the secret does not match its own hash")
	}
	if h.Matches(secret[:47]) || h.Matches(secret+"x") || h.Matches("") {
		t.Error("another secret matches")
	}
}

func TestParseSecretHashRejects(t *testing.T) {
	if _, err := dialect.ParseSecretHash("md5:00"); !errors.Is(err, dialect.ErrNoSecretHashPrefix) {
		t.Errorf("no prefix: %v, want ErrNoSecretHashPrefix", err)
	}
	for _, s := range []string{"sha256:", "sha256:zz", "sha256:" + strings.Repeat("0", 63)} {
		if _, err := dialect.ParseSecretHash(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
}
