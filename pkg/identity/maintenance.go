package identity

import (
	"context"
	"io"

	"github.com/dirgate/dirgate/pkg/directory"
)

// unrestricted refuses operations on the whole tree to callers limited to
// part of it: a backup holds every entry and every password hash.
func unrestricted(c Caller, op Operation) error {
	if err := c.Scope.allows(op, ""); err != nil {
		return err
	}
	if c.Scope.restricted() {
		return forbidden("%s needs access to the whole directory", op)
	}
	return nil
}

// Export writes the domain's whole tree as LDIF.
func (d *Domain) Export(ctx context.Context, c Caller, w io.Writer) (int, error) {
	if err := unrestricted(c, OpBackupExport); err != nil {
		return 0, err
	}
	n, err := d.dir.Export(ctx, w)
	return n, d.finish(c, OpBackupExport, d.BaseDN(), err)
}

// Import restores an LDIF export into the domain.
func (d *Domain) Import(ctx context.Context, c Caller, r io.Reader, replace bool) (int, error) {
	if err := unrestricted(c, OpBackupImport); err != nil {
		return 0, d.finish(c, OpBackupImport, d.BaseDN(), err)
	}
	n, err := d.dir.Import(ctx, r, replace)
	return n, d.finish(c, OpBackupImport, d.BaseDN(), err)
}

// Health reports whether the domain's directory answers.
func (d *Domain) Health(ctx context.Context) (directory.Health, error) {
	return d.dir.Health(ctx)
}

// Reconnect re-establishes the directory's connections.
func (d *Domain) Reconnect(ctx context.Context, c Caller) error {
	if err := unrestricted(c, OpDirectoryReconnect); err != nil {
		return d.finish(c, OpDirectoryReconnect, d.BaseDN(), err)
	}
	return d.finish(c, OpDirectoryReconnect, d.BaseDN(), d.dir.Reconnect(ctx))
}

// Count returns how many users and groups the domain holds (for status
// pages).
func (d *Domain) Count(ctx context.Context, c Caller) (users, groups int, err error) {
	if err := c.Scope.allows(OpUserRead, ""); err != nil {
		return 0, 0, err
	}
	up, err := d.dir.SearchUsers(ctx, directory.Query{Limit: 1})
	if err != nil {
		return 0, 0, err
	}
	gp, err := d.dir.SearchGroups(ctx, directory.Query{Limit: 1})
	if err != nil {
		return 0, 0, err
	}
	return up.Total, gp.Total, nil
}
