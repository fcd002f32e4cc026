package embedded

import (
	"context"
	"fmt"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// The readModel setting: off (the store answers its reads, as always) or
// on (pkg/directory/readmodel over the store, fed by its commits: the
// same read path as the LDAP backend's, with the same health and
// counters). See docs/backends.md, "Read model".

func (c *Config) readModelProblems() []error {
	switch c.ReadModel {
	case "", "off", "on":
		return nil
	}
	return []error{fmt.Errorf("%w: readModel: %q is neither on nor off", directory.ErrInvalidInput, c.ReadModel)}
}

// readModelMaxLag bounds how long a commit may take to reach the model:
// it is in-process, so a model that far behind has stopped.
const readModelMaxLag = time.Second

// withReadModel wraps d in a read model when the configuration asks for
// one, and waits until the model serves (a load from memory).
func (c *Config) withReadModel(ctx context.Context, d *Directory) (directory.Directory, error) {
	if c.ReadModel != "on" {
		return d, nil
	}
	m := readmodel.New(d, d.ReadModelFeed(), readmodel.Config{MaxLag: readModelMaxLag, Log: d.log})
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := m.WaitServing(wctx); err != nil {
		d.log.Warn("read model not serving yet; reads go to the store until it does", "error", err)
	}
	return m, nil
}
