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

// Import restores an LDIF export into the domain. It reaches over every
// subtree and every dialect's entries: what was deleted since comes back
// and, with replace, what changed since (a password reset, a removed
// membership) is undone. So it takes the explicit restore right, which no
// scope has unless it is granted, and its audit line counts what it
// wrote.
func (d *Domain) Import(ctx context.Context, c Caller, r io.Reader, replace bool) (directory.ImportResult, error) {
	if err := d.MayImport(c); err != nil {
		return directory.ImportResult{}, err
	}
	n, err := d.dir.Import(ctx, r, replace)
	d.audit.recordCounts(c, d.cfg.Name, OpBackupImport, d.BaseDN(), err,
		&EntryCounts{Added: n.Added, Replaced: n.Replaced})
	if err != nil && !isClientError(err) {
		d.log.Warn("directory operation failed", "operation", OpBackupImport, "target", d.BaseDN(),
			"dialect", c.Dialect, "request_id", c.RequestID, "error", err)
	}
	return n, err
}

// MayImport checks that the caller may import (restore) into the domain,
// before a dialect starts one in the background: a refusal is audited
// and is ErrForbidden.
func (d *Domain) MayImport(c Caller) error {
	err := unrestricted(c, OpBackupImport)
	if err == nil && !c.Scope.Restore {
		err = forbidden("%s needs the restore right", OpBackupImport)
	}
	if err != nil {
		return d.finish(c, OpBackupImport, d.BaseDN(), err)
	}
	return nil
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
