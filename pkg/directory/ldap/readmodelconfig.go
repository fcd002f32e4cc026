package ldap

import (
	"context"
	"fmt"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/readmodel"
)

// The readModel setting: off (reads go to the server, as always) or on
// (pkg/directory/readmodel over this backend, fed by syncrepl on OpenLDAP, by DirSync or uSNChanged polling on AD).

func (c *Config) readModelProblems() []error {
	var errs []error
	switch c.ReadModel {
	case "", "off":
	case "on":
	default:
		errs = append(errs, fmt.Errorf("readModel: %q is neither on nor off", c.ReadModel))
	}
	if c.ReadModelMaxLag < 0 {
		errs = append(errs, fmt.Errorf("readModelMaxLag: must not be negative"))
	}
	return errs
}

// withReadModel wraps d in a read model when the configuration asks for
// one.
func (c *Config) withReadModel(_ context.Context, d *Directory) (directory.Directory, error) {
	if c.ReadModel != "on" {
		return d, nil
	}
	feed, err := d.ReadModelFeed()
	if err != nil {
		return nil, err
	}
	maxLag := c.ReadModelMaxLag
	if maxLag == 0 {
		maxLag = time.Second
	}
	d.log.Info("read model on: loading the domain from the change stream; reads go to the server until it is loaded", "maxLag", maxLag)
	return readmodel.New(d, feed, readmodel.Config{MaxLag: maxLag, Log: d.log}), nil
}
