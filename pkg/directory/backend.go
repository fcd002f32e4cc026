package directory

import (
	"context"
	"log/slog"
)

// BackendConfig is one backend's configuration block: the `config:` part
// of a domain's `backend: {type, config}`. The configuration package keeps
// a factory map from type name to a new, default BackendConfig, decodes
// the block into it (mapstructure tags), validates it and opens it.
type BackendConfig interface {
	// Validate reports every problem of the block at once (errors.Join).
	Validate() error
	// Open connects to (or opens) the directory.
	Open(ctx context.Context, env BackendEnv) (Directory, error)
}

// BackendEnv is what a backend learns from the rest of the configuration.
type BackendEnv struct {
	// Domain is the configured domain name, e.g. "example.com".
	Domain string
	// BaseDN is the domain's base, e.g. "dc=example,dc=com".
	BaseDN string
	// DataDir is dirgate's data directory: where the embedded backend keeps
	// its file unless told otherwise.
	DataDir string
	Log     *slog.Logger
}
