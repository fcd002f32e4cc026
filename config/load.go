package config

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/viper"
	"go.yaml.in/yaml/v3"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// EnvPrefix starts every environment variable dirgate reads: a key path
// upper-cased with dots turned to underscores, e.g. server.bodyLimit is
// DIRGATE_SERVER_BODYLIMIT.
const EnvPrefix = "DIRGATE"

// Source says where the configuration comes from, lowest precedence first:
// defaults, the file, DIRGATE_* variables, then overrides (flags).
type Source struct {
	// File is the YAML file; "" reads none.
	File string
	// Overrides set key paths ("listen", "dataDir", "log.level") above
	// everything else: the command-line flags.
	Overrides map[string]any
}

// keyDelim separates viper key paths. Not ".", because map keys that are
// data may hold dots (a domain name, an attribute name).
const keyDelim = "::"

// Load reads the configuration, decodes every backend and dialect block
// into the typed config the registry gives for it and validates the whole.
// The error lists every problem at once (see Problems); the Config is
// returned even then, as far as it decoded.
func Load(reg Registry, src Source) (*Config, error) {
	cfg, err := load(reg, src)
	if cfg == nil {
		return nil, err
	}
	return cfg, errors.Join(err, cfg.Validate(reg))
}

// Base returns the settings that come from defaults, the environment and
// the overrides alone, unvalidated: what the quick start starts from
// before a file exists.
func Base(reg Registry, src Source) (*Config, error) {
	src.File = ""
	return load(reg, src)
}

func load(reg Registry, src Source) (*Config, error) {
	v := viper.NewWithOptions(viper.KeyDelimiter(keyDelim))
	setDefaults(v)
	v.SetEnvPrefix(EnvPrefix)
	v.SetEnvKeyReplacer(envKeyReplacer)
	v.AutomaticEnv()

	var original map[string]any
	if src.File != "" {
		raw, err := os.ReadFile(src.File)
		if err != nil {
			return nil, fmt.Errorf("read configuration: %w", err)
		}
		if err := yaml.Unmarshal(raw, &original); err != nil {
			return nil, fmt.Errorf("configuration %s is not valid YAML: %w", src.File, err)
		}
		v.SetConfigType("yaml")
		if err := v.ReadConfig(bytes.NewReader(raw)); err != nil {
			return nil, fmt.Errorf("configuration %s: %w", src.File, err)
		}
	}
	if err := secretFiles(v); err != nil {
		return nil, err
	}
	for key, val := range src.Overrides {
		v.Set(strings.ReplaceAll(key, ".", keyDelim), val)
	}
	settings, _ := restoreCase(v.AllSettings(), original).(map[string]any)
	return decodeConfig(reg, settings)
}

// setDefaults names every top-level key, which is also what lets viper
// find its environment variable: AutomaticEnv only overrides keys it knows
// from defaults or the file.
func setDefaults(v *viper.Viper) {
	d := defaults()
	for key, val := range map[string]any{
		"listen":                   d.Listen,
		"dataDir":                  d.DataDir,
		"log.level":                d.Log.Level,
		"log.format":               d.Log.Format,
		"audit.file":               d.Audit.File,
		"server.readTimeout":       d.Server.ReadTimeout,
		"server.readHeaderTimeout": d.Server.ReadHeaderTimeout,
		"server.writeTimeout":      d.Server.WriteTimeout,
		"server.idleTimeout":       d.Server.IdleTimeout,
		"server.bodyLimit":         d.Server.BodyLimit,
		"server.shutdownGrace":     d.Server.ShutdownGrace,

		"server.trustedProxies":                      []string{},
		"server.clientAddressHeader":                 d.Server.ClientAddressHeader,
		"server.throttle.perAddress.failures":        d.Server.Throttle.PerAddress.Failures,
		"server.throttle.perAddress.refill":          d.Server.Throttle.PerAddress.Refill,
		"server.throttle.perAccountAddress.failures": d.Server.Throttle.PerAccountAddress.Failures,
		"server.throttle.perAccountAddress.refill":   d.Server.Throttle.PerAccountAddress.Refill,
		"server.throttle.maxTracked":                 d.Server.Throttle.MaxTracked,

		"passwordHashing.concurrency": d.PasswordHashing.Concurrency,
		"passwordHashing.queue":       d.PasswordHashing.Queue,

		"console.enabled":         d.Console.Enabled,
		"console.sessionSecret":   d.Console.SessionSecret,
		"console.sessionLifetime": d.Console.SessionLifetime,
		"console.adminGroups":     []string{},
		"console.retireAfter":     d.Console.RetireAfter,
		"console.maxClients":      d.Console.MaxClients,
		"console.auditEntries":    d.Console.AuditEntries,
	} {
		v.SetDefault(strings.ReplaceAll(key, ".", keyDelim), val)
	}
}

// document is the first decoding pass: the fixed settings typed, the
// domains and dialects still raw, to be decoded one by one with their own
// defaults and factories.
type document struct {
	Listen   string         `mapstructure:"listen"`
	DataDir  string         `mapstructure:"dataDir"`
	Log      Log            `mapstructure:"log"`
	Audit    Audit          `mapstructure:"audit"`
	Server   Server         `mapstructure:"server"`
	Domains  []any          `mapstructure:"domains"`
	Dialects map[string]any `mapstructure:"dialects"`
	Console  Console        `mapstructure:"console"`

	PasswordHashing identity.HashingLimits `mapstructure:"passwordHashing"`
}

func decodeConfig(reg Registry, settings map[string]any) (*Config, error) {
	var ps problems
	d := defaults()
	doc := document{Listen: d.Listen, DataDir: d.DataDir, Log: d.Log, Audit: d.Audit, Server: d.Server, Console: d.Console}
	decodeInto(settings, &doc, "", &ps)

	cfg := &Config{
		Listen: doc.Listen, DataDir: absolute(doc.DataDir), Log: doc.Log, Audit: doc.Audit, Server: doc.Server,
		PasswordHashing: doc.PasswordHashing, Console: doc.Console,
	}
	for i, raw := range doc.Domains {
		cfg.Domains = append(cfg.Domains, decodeDomain(reg, raw, fmt.Sprintf("domains[%d]", i), &ps))
	}
	if len(doc.Dialects) > 0 {
		cfg.Dialects = make(map[string]Dialect, len(doc.Dialects))
	}
	for name, raw := range doc.Dialects {
		cfg.Dialects[name] = decodeDialect(reg, name, raw, "dialects."+name, &ps)
	}
	return cfg, ps.err()
}

func decodeDomain(reg Registry, raw any, path string, ps *problems) Domain {
	d := defaultDomain()
	fields, block := split(raw, "backend")
	decodeInto(fields, &d, path, ps)
	if d.BaseDN == "" {
		d.BaseDN = BaseDNFor(d.Name)
	}
	d.Backend = decodeBackend(reg, block, join(path, "backend"), ps)
	return d
}

// backendDoc is a `backend:` block before its `config:` is typed.
type backendDoc struct {
	Type   string `mapstructure:"type"`
	Config any    `mapstructure:"config"`
}

func decodeBackend(reg Registry, raw any, path string, ps *problems) Backend {
	var doc backendDoc
	if raw != nil {
		decodeInto(raw, &doc, path, ps)
	}
	b := Backend{Type: doc.Type}
	cfg, ok := reg.NewBackendConfig(doc.Type)
	if !ok {
		return b // Validate names the unknown or missing type
	}
	if doc.Config != nil {
		before := len(ps.list)
		decodeInto(doc.Config, cfg, join(path, "config"), ps)
		if len(ps.list) > before {
			return b
		}
	}
	b.Config = cfg
	return b
}

func decodeDialect(reg Registry, name string, raw any, path string, ps *problems) Dialect {
	d := Dialect{Enabled: true} // writing a block means wanting the dialect
	fields, block := split(raw, "config")
	decodeInto(fields, &d, path, ps)
	for i := range d.Listeners {
		d.Listeners[i].Unix = absolute(d.Listeners[i].Unix)
		if d.Listeners[i].Unix != "" && d.Listeners[i].Mode == 0 {
			d.Listeners[i].Mode = DefaultSocketMode
		}
	}
	cfg, ok := reg.NewDialectConfig(name)
	if !ok {
		return d // Validate names the unknown dialect
	}
	if block != nil {
		before := len(ps.list)
		decodeInto(block, cfg, join(path, "config"), ps)
		if len(ps.list) > before {
			return d
		}
	}
	d.Config = cfg
	return d
}

// split takes one key (spelled in any case) out of a raw map. Anything
// but a map is returned whole, for decodeInto to report its type.
func split(raw any, key string) (rest, value any) {
	m, ok := raw.(map[string]any)
	if !ok {
		return raw, nil
	}
	fields := make(map[string]any, len(m))
	for k, v := range m {
		if strings.EqualFold(k, key) {
			value = v
			continue
		}
		fields[k] = v
	}
	return fields, value
}

// absolute makes a path absolute against the working directory, so a
// socket path shown to clients and a data dir handed to backends mean the
// same thing whatever directory they are used from.
func absolute(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return p
}

// BaseDNFor turns a domain name into its dc= DN: example.com is
// dc=example,dc=com ("" for an empty name).
func BaseDNFor(name string) string {
	dn := ""
	labels := strings.Split(name, ".")
	for i := len(labels) - 1; i >= 0; i-- {
		if labels[i] == "" {
			return ""
		}
		dn = directory.ChildDN("dc", labels[i], dn)
	}
	return dn
}
