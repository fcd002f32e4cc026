package quickstart

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/adapters/scim"
	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/server"
	"github.com/dirgate/dirgate/internal/testenv/registry"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// reg is the binary's dialects and backends.
var reg = config.Registry{Dialects: registry.Dialects(), Backends: registry.Backends()}

func base(t *testing.T, dir string) *config.Config {
	t.Helper()
	cfg, err := config.Base(reg, config.Source{Overrides: map[string]any{"dataDir": dir, "listen": "127.0.0.1:18081"}})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Audit.File = filepath.Join(t.TempDir(), "audit.log") // keep the test's stdout clean
	return cfg
}

func prepare(t *testing.T, cfg *config.Config) (string, string) {
	t.Helper()
	var out bytes.Buffer
	path, err := Prepare(context.Background(), Options{Registry: reg, Base: cfg, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Out: &out})
	if err != nil {
		t.Fatalf("Prepare: %v", err)
	}
	return path, out.String()
}

func credentials(t *testing.T, dir string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, CredentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	if err := json.Unmarshal(raw, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// login checks the admin's password against the generated configuration's
// directory.
func login(t *testing.T, path, password string) error {
	t.Helper()
	cfg, err := config.Load(reg, config.Source{File: path})
	if err != nil {
		t.Fatalf("the generated configuration does not load: %v", err)
	}
	core, err := server.OpenCore(context.Background(), cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer core.Close()
	dom := core.Default()
	if ok, err := dom.IsMember(context.Background(), directory.ByName(AdminUsername), AdminGroup); err != nil || !ok {
		t.Errorf("admin in %s: %v %v", AdminGroup, ok, err)
	}
	_, err = dom.Authenticate(context.Background(), identity.Caller{Name: "test"}, directory.ByName(AdminUsername), password)
	return err
}

func TestFirstStartThenReuse(t *testing.T) {
	dir := t.TempDir()
	path, banner := prepare(t, base(t, dir))
	if path != ConfigPath(dir) {
		t.Errorf("path = %s", path)
	}
	creds := credentials(t, dir)
	password := creds["admin"].(map[string]any)["password"].(string)
	if !strings.Contains(banner, password) {
		t.Error("the banner does not show the admin password")
	}
	if creds["listen"] != "127.0.0.1:18081" {
		t.Errorf("listen = %v", creds["listen"])
	}
	if err := login(t, path, password); err != nil {
		t.Errorf("the admin cannot log in: %v", err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, CredentialsFile))
	if _, banner := prepare(t, base(t, dir)); banner != "" {
		t.Errorf("a later start printed %q", banner)
	}
	after, _ := os.ReadFile(filepath.Join(dir, CredentialsFile))
	if !bytes.Equal(before, after) {
		t.Error("a later start rewrote the credentials")
	}
}

// TestInterruptedFirstStartIsRedone: credentials written, configuration
// not (a crash in between). The next start redoes the first start over
// the directory that already holds the admin, and the new password works.
func TestInterruptedFirstStartIsRedone(t *testing.T) {
	dir := t.TempDir()
	path, _ := prepare(t, base(t, dir))
	old := credentials(t, dir)["admin"].(map[string]any)["password"].(string)
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	path, banner := prepare(t, base(t, dir))
	password := credentials(t, dir)["admin"].(map[string]any)["password"].(string)
	if password == old || !strings.Contains(banner, password) {
		t.Fatal("the redone first start did not make and show a new password")
	}
	if err := login(t, path, password); err != nil {
		t.Errorf("the new password does not work: %v", err)
	}
	if err := login(t, path, old); err == nil {
		t.Error("the lost password still works")
	}
}

// TestSCIMCredentials: the quick start shows the SCIM service's URL and
// a bearer token once, and keeps only the token's hash in the
// configuration.
func TestSCIMCredentials(t *testing.T) {
	dir := t.TempDir()
	path, _ := prepare(t, base(t, dir))
	section, ok := credentials(t, dir)["scim"].(map[string]any)
	if !ok {
		t.Fatal("initial-credentials.json has no scim section")
	}
	token, _ := section["token"].(string)
	if section["url"] != "http://127.0.0.1:18081/scim/v2" || len(token) < 32 {
		t.Fatalf("scim section %v", section)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), token) || !strings.Contains(string(raw), scim.HashToken(token)) {
		t.Fatal("the configuration does not hold the token's hash, or holds the token")
	}
}
