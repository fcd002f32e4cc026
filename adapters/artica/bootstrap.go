package artica

import (
	"path/filepath"

	"github.com/dirgate/dirgate/internal/dialect"
)

// bootstrapSection is what the quick start shows for Artica: where the
// socket is, the one thing an integration needs (the socket's permissions
// are its access control).
type bootstrapSection struct {
	Socket string `json:"socket"`
}

// Bootstrap returns the absolute path of the dialect's unix listener for
// initial-credentials.json. It generates no credential: only a TCP
// listener needs a key, and the quick start has none.
func (c *Config) Bootstrap(b *dialect.Bootstrap) (any, error) {
	for _, l := range b.Listeners {
		if l.Network != "unix" {
			continue
		}
		path, err := filepath.Abs(l.Address)
		if err != nil {
			return nil, err
		}
		return bootstrapSection{Socket: path}, nil
	}
	return nil, nil
}
