package config

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/internal/testenv/registry"
	"github.com/dirgate/dirgate/pkg/directory"
)

// fakeBackend and fakeDialect stand for the real blocks, which live in
// packages this one must not depend on in its tests: they exercise the
// decoding and validation of any block.
type fakeBackend struct {
	URLs       []string          `mapstructure:"urls"`
	Timeout    time.Duration     `mapstructure:"timeout"`
	Attributes map[string]string `mapstructure:"attributes"`
	TLS        bool              `mapstructure:"tls"`
}

func (c *fakeBackend) Validate() error {
	var errs []error
	if len(c.URLs) == 0 {
		errs = append(errs, errors.New("urls: required"))
	}
	if c.Timeout <= 0 {
		errs = append(errs, errors.New("timeout: must be positive"))
	}
	return errors.Join(errs...)
}

func (c *fakeBackend) Open(context.Context, directory.BackendEnv) (directory.Directory, error) {
	return nil, errors.New("fake backend does not open")
}

type fakeDialect struct {
	Token  string `mapstructure:"token"`
	Strict bool   `mapstructure:"strict"`
}

func (c *fakeDialect) Validate() error {
	if c.Token == "" {
		return errors.New("token: required")
	}
	return nil
}

func (c *fakeDialect) Build(dialect.Deps) (dialect.Dialect, error) {
	return nil, errors.New("fake dialect does not build")
}

// reg is what the tests load with: the binary's dialects and backends,
// from internal/testenv/registry since this package imports none of them,
// and the fakes while a test asks for them.
var reg = Registry{Dialects: registry.Dialects(), Backends: registry.Backends()}

func withFakes(t *testing.T) {
	t.Helper()
	reg.Backends["fake"] = func() directory.BackendConfig { return &fakeBackend{Timeout: 5 * time.Second, TLS: true} }
	reg.Dialects["fake"] = func() dialect.Config { return &fakeDialect{Strict: true} }
	t.Cleanup(func() {
		delete(reg.Backends, "fake")
		delete(reg.Dialects, "fake")
	})
}

func writeFile(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "dirgate.yaml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

const goodYAML = `
listen: 127.0.0.1:9090
dataDir: /var/lib/dirgate
log: {level: debug, format: text}
server:
  readTimeout: 5s
  bodyLimit: 2048
domains:
  - name: corp.example.org
    uidRange: {min: 2000, max: 2999}
    passwordPolicy:
      requireDigit: true
    backend:
      type: fake
      config:
        urls: [ldap://a, ldap://b]
        attributes:
          userPrincipalName: dirgatePrincipalName
          example.com: dotted
dialects:
  fake:
    prefix: /fake
    listeners:
      - tcp: 127.0.0.1:9091
      - unix: /run/dirgate/fake.sock
        mode: 0640
    config:
      token: s3cret
`

func TestLoadGood(t *testing.T) {
	withFakes(t)
	cfg, err := Load(reg, Source{File: writeFile(t, goodYAML)})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Listen != "127.0.0.1:9090" || cfg.DataDir != "/var/lib/dirgate" || cfg.Log.Format != "text" {
		t.Errorf("top level = %+v", cfg)
	}
	if cfg.Server.ReadTimeout != 5*time.Second || cfg.Server.BodyLimit != 2048 || cfg.Server.ShutdownGrace != DefaultShutdownGrace {
		t.Errorf("server = %+v", cfg.Server)
	}
	d := cfg.Domains[0]
	if d.BaseDN != "dc=corp,dc=example,dc=org" {
		t.Errorf("baseDN defaulted to %q", d.BaseDN)
	}
	if d.UIDRange != (directory.Range{Min: 2000, Max: 2999}) || d.GIDRange.Min != 10000 {
		t.Errorf("ranges = %+v %+v", d.UIDRange, d.GIDRange)
	}
	// A partial policy keeps the other defaults.
	if !d.PasswordPolicy.RequireDigit || d.PasswordPolicy.MinLength != 6 || d.PasswordPolicy.MaxLength != 256 {
		t.Errorf("password policy = %+v", d.PasswordPolicy)
	}
	b, ok := d.Backend.Config.(*fakeBackend)
	if !ok {
		t.Fatalf("backend config is %T", d.Backend.Config)
	}
	if !slices.Equal(b.URLs, []string{"ldap://a", "ldap://b"}) || b.Timeout != 5*time.Second || !b.TLS {
		t.Errorf("backend = %+v (defaults must survive decoding)", b)
	}
	// Keys that are data keep their case and their dots.
	if b.Attributes["userPrincipalName"] != "dirgatePrincipalName" || b.Attributes["example.com"] != "dotted" {
		t.Errorf("attributes = %v", b.Attributes)
	}
	fd := cfg.Dialects["fake"]
	if !fd.Enabled || fd.Prefix != "/fake" || fd.Config.(*fakeDialect).Token != "s3cret" || !fd.Config.(*fakeDialect).Strict {
		t.Errorf("dialect = %+v %+v", fd, fd.Config)
	}
	if len(fd.Listeners) != 2 || fd.Listeners[1].Mode != 0o640 || fd.Listeners[1].Network() != "unix" {
		t.Errorf("listeners = %+v", fd.Listeners)
	}
}

func TestEnvironmentAndOverrides(t *testing.T) {
	withFakes(t)
	t.Setenv("DIRGATE_LISTEN", "0.0.0.0:8080")
	t.Setenv("DIRGATE_SERVER_BODYLIMIT", "4096")
	t.Setenv("DIRGATE_SERVER_SHUTDOWNGRACE", "2s")
	t.Setenv("DIRGATE_DIALECTS_FAKE_CONFIG_TOKEN", "from-env")
	t.Setenv("DIRGATE_LOG_LEVEL", "warn")
	// The keys a file rarely holds must still be reachable from the
	// environment: a container is often configured by it alone.
	t.Setenv("DIRGATE_SERVER_TRUSTEDPROXIES", "10.0.0.0/8")
	t.Setenv("DIRGATE_SERVER_CLIENTADDRESSHEADER", "X-Real-IP")
	t.Setenv("DIRGATE_SERVER_THROTTLE_PERADDRESS_FAILURES", "50")
	t.Setenv("DIRGATE_SERVER_THROTTLE_PERACCOUNTADDRESS_REFILL", "5m")
	t.Setenv("DIRGATE_SERVER_THROTTLE_MAXTRACKED", "1000")
	cfg, err := Load(reg, Source{File: writeFile(t, goodYAML), Overrides: map[string]any{"log.level": "error"}})
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if cfg.Listen != "0.0.0.0:8080" || cfg.Server.BodyLimit != 4096 || cfg.Server.ShutdownGrace != 2*time.Second {
		t.Errorf("environment not applied: %+v", cfg)
	}
	if s := cfg.Server; !slices.Equal(s.TrustedProxies, []string{"10.0.0.0/8"}) || s.ClientAddressHeader != "X-Real-IP" ||
		s.Throttle.PerAddress.Failures != 50 || s.Throttle.PerAccountAddress.Refill != 5*time.Minute || s.Throttle.MaxTracked != 1000 {
		t.Errorf("proxy and throttle settings from the environment not applied: %+v", s)
	}
	if got := cfg.Dialects["fake"].Config.(*fakeDialect).Token; got != "from-env" {
		t.Errorf("token = %q, want the environment's", got)
	}
	if cfg.Log.Level != "error" {
		t.Errorf("log.level = %q: a flag beats the environment", cfg.Log.Level)
	}
}

func TestBase(t *testing.T) {
	t.Setenv("DIRGATE_DATADIR", "rel/data")
	cfg, err := Base(reg, Source{Overrides: map[string]any{"listen": "127.0.0.1:1234"}})
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if cfg.DataDir != filepath.Join(wd, "rel/data") || cfg.Listen != "127.0.0.1:1234" {
		t.Errorf("base = %+v", cfg)
	}
}

const brokenYAML = `
listen: nowhere
lsiten: 127.0.0.1:1
log: {level: loud}
server: {bodyLimit: -1, readTimeout: soon}
domains:
  - name: example.com
    uidRange: {min: 5, max: 1}
    usersDN: ou=people,dc=other,dc=org
    backend:
      type: fake
      config:
        timeout: 0s
  - name: Example.com
    backend: {type: nosuch}
  - baseDN: "not a dn"
    backend:
      type: fake
      config: {urls: [x], colour: blue}
dialects:
  fake:
    prefix: fake/
    listeners:
      - {tcp: "127.0.0.1:1", unix: /tmp/x.sock}
      - {unix: /tmp/y.sock, mode: 660}
      - {}
    config: {strict: false}
  unheard: {}
`

func TestBrokenConfigListsEveryProblem(t *testing.T) {
	withFakes(t)
	_, err := Load(reg, Source{File: writeFile(t, brokenYAML)})
	if err == nil {
		t.Fatal("Load accepted a broken configuration")
	}
	var got []string
	for _, p := range Problems(err) {
		got = append(got, p.Error())
	}
	want := []string{
		"lsiten: unknown key",
		"server.readTimeout: ",
		"listen: \"nowhere\" is not host:port",
		"log.level: \"loud\" is not one of",
		"server.bodyLimit: must be a positive number",
		"domains[0].uidRange: min (5) must be",
		"domains[0].usersDN: ou=people,dc=other,dc=org is not under the base dc=example,dc=com",
		"domains[0].backend.config.urls: required",
		"domains[0].backend.config.timeout: must be positive",
		"domains[1].name: \"Example.com\" is also the name of domains[0]",
		"domains[1].backend.type: unknown backend \"nosuch\"",
		"domains[2].name: required",
		"domains[2].baseDN: \"not a dn\" is not a valid DN",
		"domains[2].backend.config.colour: unknown key",
		"dialects.fake.listeners[1].mode: ",
		"dialects.fake.prefix: \"fake/\" must be a path",
		"dialects.fake.listeners[0]: give either tcp or unix, not both",
		"dialects.fake.listeners[2]: give tcp: host:port or unix: /path",
		"dialects.fake.config.token: required",
		"dialects.unheard: unknown dialect",
	}
	for _, w := range want {
		if !slices.ContainsFunc(got, func(g string) bool { return strings.HasPrefix(g, w) }) {
			t.Errorf("missing problem %q", w)
		}
	}
	if t.Failed() {
		t.Logf("got:\n%s", strings.Join(got, "\n"))
	}
	// The undecodable block is reported once, not validated again.
	for _, g := range got {
		if strings.HasPrefix(g, "domains[2].backend.config.urls") || strings.HasPrefix(g, "domains[2].backend.config.timeout") {
			t.Errorf("a block that failed to decode was validated too: %q", g)
		}
	}
}

func TestMissingFile(t *testing.T) {
	_, err := Load(reg, Source{File: filepath.Join(t.TempDir(), "none.yaml")})
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want ErrNotExist", err)
	}
}

func TestSaveRoundTrip(t *testing.T) {
	withFakes(t)
	cfg, err := Load(reg, Source{File: writeFile(t, goodYAML)})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Dialects["fake"].Config.(*fakeDialect).Strict = false // a zero value unlike the default
	path := filepath.Join(t.TempDir(), "saved.yaml")
	if err := Save(cfg, path, "generated"); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("saved file: %v %v", fi, err)
	}
	again, err := Load(reg, Source{File: path})
	if err != nil {
		raw, _ := os.ReadFile(path)
		t.Fatalf("reload: %v\n%s", err, raw)
	}
	if again.Dialects["fake"].Config.(*fakeDialect).Strict {
		t.Error("false saved as the default true")
	}
	if again.Dialects["fake"].Listeners[1].Mode != 0o640 || again.Server.ReadTimeout != 5*time.Second {
		t.Errorf("reloaded %+v", again)
	}
	b := again.Domains[0].Backend.Config.(*fakeBackend)
	if b.Attributes["userPrincipalName"] != "dirgatePrincipalName" || b.Attributes["example.com"] != "dotted" {
		t.Errorf("attributes after reload = %v", b.Attributes)
	}
}

func TestFileMode(t *testing.T) {
	for _, tc := range []struct {
		in   any
		want FileMode
		ok   bool
	}{
		{"0660", 0o660, true}, {"600", 0o600, true}, {432, 0o660, true}, // YAML's unquoted 0660
		{660, 0, false}, {"0999", 0, false}, {"rw", 0, false}, {true, 0, false},
	} {
		got, err := parseFileMode(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("parseFileMode(%v) = %v, %v", tc.in, got, err)
		}
	}
}

func TestBaseDNFor(t *testing.T) {
	for in, want := range map[string]string{
		"example.com": "dc=example,dc=com", "corp.example.org": "dc=corp,dc=example,dc=org",
		"": "", "bad..name": "", "we+ird.com": `dc=we\+ird,dc=com`,
	} {
		if got := BaseDNFor(in); got != want {
			t.Errorf("BaseDNFor(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEmptyBlockEnablesDialect(t *testing.T) {
	withFakes(t)
	reg.Dialects["bare"] = func() dialect.Config { return &fakeDialect{Token: "default"} }
	t.Cleanup(func() { delete(reg.Dialects, "bare") })
	cfg, err := Load(reg, Source{File: writeFile(t, `
domains: [{name: example.com, backend: {type: fake, config: {urls: [x]}}}]
dialects:
  bare: {}
  fake:
    enabled: false
`)})
	if err != nil {
		t.Fatal(err) // a disabled dialect's empty token is not a problem
	}
	if d, ok := cfg.Dialects["bare"]; !ok || !d.Enabled || d.Config.(*fakeDialect).Token != "default" {
		t.Errorf("bare = %+v", d)
	}
	if cfg.Dialects["fake"].Enabled {
		t.Error("fake enabled")
	}
}

func TestBlockMessagesContinueThePathOnlyForTheirKeys(t *testing.T) {
	var ps problems
	ps.addBlock("dialects.fake.config", errors.Join(
		errors.New("token: required"),
		errors.New("fake: the secret is too short"),
		errors.New("strict: on: not allowed"),
		errors.New("everything is wrong"),
		fmt.Errorf("%w: token: too short", directory.ErrInvalidInput),
	), &fakeDialect{})
	var got []string
	for _, p := range Problems(ps.err()) {
		got = append(got, p.Error())
	}
	want := []string{
		"dialects.fake.config.token: required",
		"dialects.fake.config: fake: the secret is too short",
		"dialects.fake.config.strict: on: not allowed",
		"dialects.fake.config: everything is wrong",
		"dialects.fake.config.token: too short",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}
