package embedded

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

func TestConfigDefaults(t *testing.T) {
	c := NewConfig()
	if c.LockoutThreshold != 5 || c.LockoutDuration != 15*time.Minute || c.Argon2 != DefaultArgon2() {
		t.Errorf("defaults = %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Errorf("the defaults do not validate: %v", err)
	}
	path, err := c.dbPath(directory.BackendEnv{Domain: "example.com", DataDir: "/data"})
	if err != nil || path != filepath.Join("/data", "example.com.db") {
		t.Errorf("default path = %q, %v", path, err)
	}
	c.Path = "/elsewhere/x.db"
	if path, _ := c.dbPath(directory.BackendEnv{Domain: "example.com", DataDir: "/data"}); path != "/elsewhere/x.db" {
		t.Errorf("path = %q, want the configured one", path)
	}
}

func TestConfigValidateReportsEverything(t *testing.T) {
	c := &Config{
		Path:             "   ",
		LockoutThreshold: -1,
		LockoutDuration:  -time.Second,
		ExtraAttributes:  []string{"pager", "Pager", "userPassword", "dirgateThing", "bad name", "1st"},
		Argon2:           Argon2Params{Memory: 1, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32},
	}
	err := c.Validate()
	if !errors.Is(err, directory.ErrInvalidInput) {
		t.Fatalf("Validate = %v, want ErrInvalidInput", err)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 9 {
		t.Fatalf("Validate reported %v, want 9 problems at once", err)
	}
	for _, want := range []string{"path", "lockoutThreshold", "lockoutDuration", "extraAttributes[1]",
		"extraAttributes[2]", "extraAttributes[3]", "extraAttributes[4]", "extraAttributes[5]", "argon2.memory"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Validate does not name %s: %v", want, err)
		}
	}
}

func TestOpenRefusesBadEnvironment(t *testing.T) {
	ctx := context.Background()
	for what, env := range map[string]directory.BackendEnv{
		"no data dir":     {Domain: "example.com", BaseDN: "dc=example,dc=com"},
		"domain as path":  {Domain: "../x", BaseDN: "dc=example,dc=com", DataDir: t.TempDir()},
		"bad base DN":     {Domain: "example.com", BaseDN: "not a dn", DataDir: t.TempDir()},
		"invalid config!": {Domain: "example.com", BaseDN: "dc=example,dc=com", DataDir: t.TempDir()},
	} {
		c := NewConfig()
		if what == "invalid config!" {
			c.LockoutThreshold = -1
		}
		if d, err := c.Open(ctx, env); !errors.Is(err, directory.ErrInvalidInput) {
			t.Errorf("%s: Open = %v, %v; want ErrInvalidInput", what, d, err)
			if d != nil {
				d.Close()
			}
		}
	}
}

func TestConfigRefusesSecurityAttributesAndTakesTheDefaults(t *testing.T) {
	c := &Config{ExtraAttributes: []string{"employeeID", "sshPublicKey", "msDS-AllowedToDelegateTo"}, Argon2: NewConfig().Argon2}
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "extraAttributes[1]") || !strings.Contains(err.Error(), "extraAttributes[2]") ||
		strings.Contains(err.Error(), "extraAttributes[0]") {
		t.Errorf("Validate = %v, want extraAttributes[1] and [2] refused, [0] taken", err)
	}
	c.ExtraAttributes = directory.DefaultExtraAttributes("")
	if err := c.Validate(); err != nil {
		t.Errorf("the default extra attributes do not validate: %v", err)
	}
}
