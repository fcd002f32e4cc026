package artica

import (
	"context"
	"errors"
	"io/fs"
	"time"

	"github.com/labstack/echo/v4"
)

// backupNow answers GET /openldap/backup/now: an LDIF export of the
// domain, gzipped, into the backup folder as today's Save-YYYY-MM-DD.gz.
func (d *Dialect) backupNow(c echo.Context) error {
	meta, err := d.backups.take(c.Request().Context(), d.domain, d.serviceCaller(c), time.Now())
	if err != nil {
		return d.backupFailed(c, err)
	}
	d.log.Info("artica backup written", "file", meta.File, "entries", meta.Entries, "size", meta.Size)
	return d.doneWith(c, "backup saved to "+meta.File, meta)
}

// instant is the Data of GET /openldap/backup/instant.
type instant struct {
	backupMeta
	// LastRestore is the last restore started by this process, if any.
	LastRestore *restoreState `json:"lastRestore,omitempty"`
}

// backupInstant answers GET /openldap/backup/instant: the metadata of the
// last backup (file, time, entries, size).
func (d *Dialect) backupInstant(c echo.Context) error {
	meta, err := d.backups.last()
	if err != nil {
		return d.backupFailed(c, err)
	}
	return d.data(c, instant{backupMeta: meta, LastRestore: d.backups.restoreState()})
}

// backupImport answers GET /openldap/backup/import/{filename}: the file is
// checked and opened now, restored in the background (as Artica does);
// /openldap/backup/instant then shows how the restore went.
func (d *Dialect) backupImport(c echo.Context) error {
	name, err := param(c, "filename")
	if err != nil {
		return d.refuse(c, "backup", err)
	}
	if _, readOnly := callerOf(c); readOnly {
		return fail(c, "permission denied: a read-only key cannot restore a backup")
	}
	if err := d.domain.MayImport(d.serviceCaller(c)); err != nil {
		// Asked before the background work starts, so that the client is
		// told (and the audit log shows the refusal).
		name, _ := callerOf(c)
		d.log.Warn("artica restore refused: the caller has no restore right", "caller", name)
		return fail(c, "permission denied: restoring a backup needs the restore right (apiKeys[].restore)")
	}
	f, err := d.backups.open(name)
	if errors.Is(err, errNoSuchBackup) {
		if !errors.Is(err, fs.ErrNotExist) {
			d.log.Warn("artica restore refused", "file", name, "error", err)
		}
		return fail(c, "backup file "+name+" not found in the backup folder")
	}
	if err != nil {
		return d.backupFailed(c, err)
	}
	if !d.backups.running.TryLock() {
		f.Close()
		return fail(c, errBusy.Error())
	}
	caller := d.serviceCaller(c)
	started := d.background(func(ctx context.Context) {
		entries, err := d.backups.restore(ctx, f, d.domain, caller)
		if err != nil {
			d.log.Error("artica restore failed", "file", name, "request_id", caller.RequestID, "error", err)
			return
		}
		d.log.Info("artica restore done", "file", name, "added", entries.Added, "replaced", entries.Replaced,
			"request_id", caller.RequestID)
	})
	if !started {
		d.backups.running.Unlock()
		f.Close()
		return fail(c, "the service is shutting down")
	}
	return d.done(c, "restoring "+name+" in the background")
}

// backupFailed answers the backup endpoints' own failures.
func (d *Dialect) backupFailed(c echo.Context, err error) error {
	switch {
	case errors.Is(err, errBadRequest):
		return fail(c, clientMessage(err))
	case errors.Is(err, errBusy), errors.Is(err, errNoBackup):
		return fail(c, err.Error())
	}
	return d.failErr(c, "backup", err)
}
