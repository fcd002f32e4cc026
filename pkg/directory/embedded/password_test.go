package embedded

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// TestVerifyReferenceHashes verifies hashes written by other argon2
// implementations in the encoding OpenLDAP's argon2 module stores.
func TestVerifyReferenceHashes(t *testing.T) {
	// libargon2's README: echo -n password | argon2 somesalt -t 2 -m 16 -p 4 -l 24
	libargon2 := "{ARGON2}$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
	// golang.org/x/crypto's argon2id test vector (t=2, m=64, p=1).
	key, _ := hex.DecodeString("068d62b26455936aa6ebe60060b0a65870dbfa3ddf8d41f7")
	xcrypto := "{ARGON2}$argon2id$v=19$m=64,t=2,p=1$c29tZXNhbHQ$" + base64.RawStdEncoding.EncodeToString(key)
	for _, stored := range []string{libargon2, xcrypto, strings.Replace(xcrypto, "{ARGON2}", "{argon2}", 1)} {
		if ok, err := verify(stored, "password"); !ok || err != nil {
			t.Errorf("verify(%s, right password) = %v, %v", stored, ok, err)
		}
		if ok, err := verify(stored, "Password"); ok || err != nil {
			t.Errorf("verify(%s, wrong password) = %v, %v", stored, ok, err)
		}
	}
}

func TestHashFormat(t *testing.T) {
	h := DefaultArgon2().hasher()
	stored, err := h.hash("s3cret")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(stored, "{ARGON2}$argon2id$v=19$m=19456,t=2,p=1$") || strings.Contains(stored, "=$") || strings.HasSuffix(stored, "=") {
		t.Errorf("hash %q is not in OpenLDAP's argon2 format (unpadded base64)", stored)
	}
	parsed, err := parseArgon2(stored)
	if err != nil || len(parsed.salt) != 16 || len(parsed.key) != 32 {
		t.Fatalf("parseArgon2(%q) = %+v, %v", stored, parsed, err)
	}
	again, _ := h.hash("s3cret")
	if again == stored {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	if ok, _ := verify(stored, "s3cret"); !ok {
		t.Error("a fresh hash does not verify")
	}
}

func TestParseArgon2Refuses(t *testing.T) {
	for _, stored := range []string{
		"{SSHA}abcdef",
		"plain",
		"{ARGON2}$argon2d$v=19$m=64,t=2,p=1$c29tZXNhbHQ$AAAA",
		"{ARGON2}$argon2id$v=16$m=64,t=2,p=1$c29tZXNhbHQ$AAAA",
		"{ARGON2}$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$AAAAAAAA", // 4 GiB
		"{ARGON2}$argon2id$v=19$m=64,t=1000,p=1$c29tZXNhbHQ$AAAAAAAA",
		"{ARGON2}$argon2id$v=19$m=64,t=2,p=0$c29tZXNhbHQ$AAAAAAAA",
		"{ARGON2}$argon2id$v=19$m=64,t=2,p=1$!!$AAAAAAAA",
		"{ARGON2}$argon2id$v=19$m=64,t=2$c29tZXNhbHQ$AAAAAAAA",
		"{ARGON2}$argon2id$v=19$m=64,t=2,p=1,x=1$c29tZXNhbHQ$AAAAAAAA",
	} {
		if _, err := parseArgon2(stored); err == nil {
			t.Errorf("parseArgon2(%q) accepted it", stored)
		}
		if ok, _ := verify(stored, "password"); ok {
			t.Errorf("verify(%q) matched", stored)
		}
	}
	if _, err := parseArgon2("{SSHA}x"); !errors.Is(err, errUnsupportedScheme) || !strings.Contains(err.Error(), "{SSHA}") {
		t.Errorf("an {SSHA} value: %v, want errUnsupportedScheme naming it", err)
	}
	// A value in clear never shows in the error (it goes to the logs).
	if _, err := parseArgon2("cleartext-secret"); !errors.Is(err, errUnsupportedScheme) || strings.Contains(err.Error(), "secret") {
		t.Errorf("a password in clear: %v", err)
	}
}

func TestArgon2ParamsValidate(t *testing.T) {
	if errs := DefaultArgon2().validate("argon2"); len(errs) != 0 {
		t.Errorf("the defaults are invalid: %v", errs)
	}
	bad := Argon2Params{Memory: 4, Iterations: 0, Parallelism: 0, SaltLength: 4, KeyLength: 8}
	errs := bad.validate("argon2")
	if len(errs) != 5 {
		t.Errorf("validate found %d problems, want 5 (one per field): %v", len(errs), errs)
	}
	for _, err := range errs {
		if !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("%v does not wrap ErrInvalidInput", err)
		}
	}
}
