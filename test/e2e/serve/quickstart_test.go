package serve

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/test/e2eutil"
)

// healthyWithin is the Done-when bound for /healthz after start.
const healthyWithin = time.Second

// sectionKeys are the keys each dialect's section of
// initial-credentials.json must have, exactly.
var sectionKeys = map[string][]string{
	"adweb":    {"apiKey", "apiSecret"},
	"kanboard": {"token", "username"},
	"artica":   {"socket"},
	"scim":     {"token", "url"},
}

func TestQuickStartFirstAndSecondStart(t *testing.T) {
	dir := t.TempDir()
	first := e2eutil.Start(t, e2eutil.Options{DataDir: dir})
	if took := first.Healthy.Sub(first.Started); took > healthyWithin {
		t.Errorf("first start answered /healthz after %s, want within %s", took, healthyWithin)
	}

	credPath := filepath.Join(dir, "initial-credentials.json")
	for _, p := range []string{credPath, filepath.Join(dir, "dirgate.yaml")} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
	creds := first.Credentials()
	dialects := enabledDialects(t, dir)
	want := []string{"admin", "listen"}
	for _, name := range dialects {
		if _, ok := sectionKeys[name]; ok {
			want = append(want, name)
		}
	}
	slices.Sort(want)
	if got := slices.Sorted(maps.Keys(creds)); !slices.Equal(got, want) {
		t.Errorf("initial-credentials.json keys = %v, want %v (dialects %v)", got, want, dialects)
	}
	if creds["listen"] != first.Listen {
		t.Errorf("listen = %v, want %s", creds["listen"], first.Listen)
	}
	admin := section(t, creds, "admin", []string{"password", "username"})
	if admin["username"] != "admin" || len(admin["password"].(string)) < 16 {
		t.Errorf("admin = %v", admin)
	}
	secrets := []string{admin["password"].(string)}
	for name, keys := range sectionKeys {
		if _, ok := creds[name]; !ok {
			continue
		}
		s := section(t, creds, name, keys)
		switch name {
		case "adweb":
			secrets = append(secrets, s["apiSecret"].(string))
		case "kanboard":
			if s["username"] != "jsonrpc" {
				t.Errorf("kanboard username = %v", s["username"])
			}
			secrets = append(secrets, s["token"].(string))
		case "scim":
			if s["url"] != "http://"+first.Listen+"/scim/v2" {
				t.Errorf("scim url = %v, want http://%s/scim/v2", s["url"], first.Listen)
			}
			secrets = append(secrets, s["token"].(string))
		case "artica":
			if s["socket"] != filepath.Join(dir, "articarest.sock") || !filepath.IsAbs(s["socket"].(string)) {
				t.Errorf("artica socket = %v, want %s", s["socket"], filepath.Join(dir, "articarest.sock"))
			}
		}
	}
	// Shown once, on the terminal (stderr); never on stdout, the audit
	// stream, and never in a log line.
	if !strings.Contains(first.Stderr(), admin["password"].(string)) {
		t.Error("the first start did not show the admin password on stderr")
	}
	for _, s := range secrets {
		if strings.Contains(first.Stdout(), s) {
			t.Errorf("a secret reached stdout, the audit stream: %.4s…", s)
		}
		for _, line := range strings.Split(first.Stderr(), "\n") {
			if strings.HasPrefix(line, "{") && strings.Contains(line, s) {
				t.Errorf("a secret reached the log: %.4s…", s)
			}
		}
	}
	if code := first.Stop(); code != 0 {
		t.Errorf("first start exited %d", code)
	}

	before, err := os.ReadFile(credPath)
	if err != nil {
		t.Fatal(err)
	}
	second := e2eutil.Start(t, e2eutil.Options{DataDir: dir, Listen: first.Listen})
	if took := second.Healthy.Sub(second.Started); took > healthyWithin {
		t.Errorf("second start answered /healthz after %s, want within %s", took, healthyWithin)
	}
	ready(t, second, http.StatusOK)
	after, _ := os.ReadFile(credPath)
	if !bytes.Equal(before, after) {
		t.Error("the second start changed initial-credentials.json")
	}
	for _, s := range secrets {
		if strings.Contains(second.Output(), s) {
			t.Errorf("the second start printed a secret: %.4s…", s)
		}
	}
	if code := second.Stop(); code != 0 {
		t.Errorf("second start exited %d", code)
	}
}

// enabledDialects reads the generated configuration's dialect names.
func enabledDialects(t *testing.T, dataDir string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dataDir, "dirgate.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Dialects map[string]struct {
			Enabled bool `yaml:"enabled"`
		} `yaml:"dialects"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for name, d := range doc.Dialects {
		if !d.Enabled {
			t.Errorf("the quick start left dialect %s disabled", name)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func section(t *testing.T, creds map[string]any, name string, keys []string) map[string]any {
	t.Helper()
	s, ok := creds[name].(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want an object", name, creds[name])
	}
	if got := slices.Sorted(maps.Keys(s)); !slices.Equal(got, keys) {
		t.Errorf("%s keys = %v, want %v", name, got, keys)
	}
	for k, v := range s {
		if str, ok := v.(string); !ok || str == "" {
			t.Errorf("%s.%s = %v, want a non-empty string", name, k, v)
		}
	}
	return s
}

func ready(t *testing.T, p *e2eutil.Process, want int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	resp, err := p.Get(ctx, "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Errorf("/readyz = %d %s, want %d", resp.StatusCode, b, want)
	}
}
