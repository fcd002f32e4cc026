// Package quickstart turns `dirgate serve` without a configuration into a
// working gateway: on first start it writes a configuration for the
// embedded backend with every dialect enabled, creates an administrator
// and each dialect's credentials, and shows them once; later starts reuse
// what the first one made.
package quickstart

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/dirgate/dirgate/config"
)

// Names the quick start uses.
const (
	ConfigFile      = "dirgate.yaml"
	CredentialsFile = "initial-credentials.json"
	Domain          = "example.com"
	AdminUsername   = "admin"
	AdminGroup      = "dirgate-admins"
	// ArticaSocket is the Artica dialect's socket, inside the data dir.
	ArticaSocket = "articarest.sock"
	// BackendType is the backend the quick start runs on.
	BackendType = "embedded"
)

// ConfigPath is where the quick start keeps its configuration.
func ConfigPath(dataDir string) string { return filepath.Join(dataDir, ConfigFile) }

// Options is what Prepare needs.
type Options struct {
	// Registry is the binary's dialects and backends: the quick start
	// enables every dialect in it.
	Registry config.Registry
	// Base holds the settings from defaults, environment and flags
	// (config.Base): the data dir, the listen address, the log and server
	// settings the generated file starts from.
	Base *config.Config
	Log  *slog.Logger
	// Out receives the one-time credentials banner: the terminal (stderr
	// in the binary), never stdout, where the audit log goes by default
	// and from where it is shipped, and never through the log.
	Out io.Writer
	// Bind, when set, opens the generated configuration's listeners on the
	// first start before anything is provisioned: a port in use stops the
	// first start before it prints or saves credentials nobody can use.
	Bind func(*config.Config) error
}

// Prepare returns the path of the quick start's configuration, generating
// it and everything it refers to on the first start.
func Prepare(ctx context.Context, o Options) (string, error) {
	path := ConfigPath(o.Base.DataDir)
	_, err := os.Stat(path)
	if err == nil {
		o.Log.Info("quick start: using the configuration of the first start", "config", path)
		return path, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("quick start: %w", err)
	}
	if err := os.MkdirAll(o.Base.DataDir, 0o700); err != nil {
		return "", fmt.Errorf("quick start: create data dir: %w", err)
	}
	cfg, err := Generate(o.Registry, o.Base)
	if err != nil {
		return "", err
	}
	if o.Bind != nil {
		if err := o.Bind(cfg); err != nil {
			return "", err
		}
	}
	creds, err := provision(ctx, o.Registry, cfg, o.Log)
	if err != nil {
		return "", err
	}
	// Credentials first, configuration last: the configuration's presence
	// is what marks the first start done, so a crash in between only
	// repeats the first start (which resets the admin password).
	if err := writeCredentials(filepath.Join(cfg.DataDir, CredentialsFile), creds); err != nil {
		return "", err
	}
	header := "dirgate quick-start configuration, generated on the first start.\n" +
		"Every key is described in docs/configuration.md. It holds secrets: keep it 0600."
	if err := config.Save(cfg, path, header); err != nil {
		return "", err
	}
	printBanner(o.Out, creds, filepath.Join(cfg.DataDir, CredentialsFile))
	o.Log.Info("quick start: first start done", "config", path, "credentials", filepath.Join(cfg.DataDir, CredentialsFile))
	return path, nil
}

// Generate builds the quick start configuration from the base settings:
// the embedded backend in the data dir, domain example.com, every
// dialect of the registry enabled, Artica on a unix socket in the data dir
// only.
func Generate(reg config.Registry, base *config.Config) (*config.Config, error) {
	cfg := *base
	backend, ok := reg.NewBackendConfig(BackendType)
	if !ok {
		return nil, fmt.Errorf("quick start: this dirgate has no %s backend: give a configuration with --config", BackendType)
	}
	cfg.Domains = []config.Domain{config.NewDomain(Domain, config.Backend{Type: BackendType, Config: backend})}
	cfg.Dialects = map[string]config.Dialect{}
	for _, name := range reg.DialectNames() {
		dc, _ := reg.NewDialectConfig(name)
		d := config.Dialect{Enabled: true, Config: dc}
		if name == "artica" {
			d.Listeners = []config.Listener{{Unix: filepath.Join(cfg.DataDir, ArticaSocket), Mode: config.DefaultSocketMode}}
		}
		cfg.Dialects[name] = d
	}
	// The console is on in the quick start: a newcomer's browser finds it
	// at /console/ and logs in as the admin printed below.
	cfg.Console.Enabled = true
	cfg.Console.SessionSecret = secret(48)
	return &cfg, nil
}
