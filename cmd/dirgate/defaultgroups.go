package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/dirgate/dirgate/pkg/identity"
)

// defaultGroupCheckTimeout bounds the start-up check: a directory that
// does not answer must not hold the start (the core checks again on each
// create).
const defaultGroupCheckTimeout = 5 * time.Second

// checkDefaultGroups refuses to start when a domain's default primary
// group is an admin group. A directory that cannot be asked now is only
// logged: the core refuses such creates when it can.
func checkDefaultGroups(ctx context.Context, core *identity.Service, log *slog.Logger) error {
	for _, dom := range core.Domains() {
		cctx, cancel := context.WithTimeout(ctx, defaultGroupCheckTimeout)
		err := dom.CheckDefaultGroup(cctx)
		cancel()
		if errors.Is(err, identity.ErrMisconfigured) {
			return err
		}
		if err != nil {
			log.Warn("could not check the default primary group now; creates check it", "domain", dom.Name(), "error", err)
		}
	}
	return nil
}
