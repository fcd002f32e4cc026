package embedded

import (
	"context"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Capabilities: the embedded store does everything the model has.
func (d *Directory) Capabilities() directory.Capabilities {
	extra := make([]string, 0, len(d.extra))
	for _, a := range d.extra {
		extra = append(extra, a)
	}
	slices.Sort(extra)
	return directory.Capabilities{
		Backend:           "embedded",
		NestedGroups:      true,
		ProtectedOUs:      true,
		UsernameMaxLength: maxNameLength,
		LockoutThreshold:  d.lockout.threshold,
		ExtraAttributes:   extra,
	}
}

// BaseDN is the domain's root.
func (d *Directory) BaseDN() string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.st.base.DN
}

// Health reads the database file and says how long that took.
func (d *Directory) Health(ctx context.Context) (directory.Health, error) {
	h := directory.Health{Backend: "embedded", Server: d.path}
	start := time.Now()
	err := d.read(ctx, func(*state) error {
		return d.db.View(func(tx *bolt.Tx) error {
			if tx.Bucket(bucketMeta).Get(keyVersion) == nil {
				return errorf(directory.ErrUnavailable, "%s has no version record", d.path)
			}
			return nil
		})
	})
	h.Latency = time.Since(start)
	return h, err
}

// Reconnect has nothing to reconnect: the file stays open.
func (d *Directory) Reconnect(ctx context.Context) error {
	return d.read(ctx, func(*state) error { return nil })
}
