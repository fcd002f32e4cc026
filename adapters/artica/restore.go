package artica

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// errNoSuchBackup: the named file is not in the backup folder.
var errNoSuchBackup = errors.New("no such backup")

// open opens a backup by bare name, inside the folder only.
func (b *backups) open(name string) (*os.File, error) {
	if err := checkBackupName(name); err != nil {
		return nil, badRequest("%s", err)
	}
	root, err := os.OpenRoot(b.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w %s", errNoSuchBackup, name)
	}
	if err != nil {
		return nil, fmt.Errorf("backup folder: %w", err)
	}
	defer root.Close()
	f, err := root.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w %s", errNoSuchBackup, name)
	}
	if err != nil {
		// A symlink leading out of the folder lands here: for the client
		// it is not a backup of this folder.
		return nil, fmt.Errorf("%w %s: %w", errNoSuchBackup, name, err)
	}
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%w %s: not a regular file", errNoSuchBackup, name)
	}
	return f, nil
}

// restore imports an opened backup, replacing the entries it holds; it
// must be called with b.running held and releases it. Gzip is recognised
// by its magic bytes, so a plain .ldif restores too.
func (b *backups) restore(ctx context.Context, f *os.File, domain *identity.Domain, c identity.Caller) (directory.ImportResult, error) {
	defer b.running.Unlock()
	defer f.Close()
	state := &restoreState{File: filepath.Base(f.Name()), Started: time.Now().UTC(), Status: "running"}
	b.setRestore(state)
	entries, err := importBackup(ctx, f, domain, c)
	done := *state
	done.Finished, done.Status = time.Now().UTC(), "done"
	done.Entries, done.Added, done.Replaced = entries.Written(), entries.Added, entries.Replaced
	if err != nil {
		done.Status, done.Error = "failed", restoreProblem(err)
	}
	b.setRestore(&done)
	return entries, err
}

func importBackup(ctx context.Context, f io.Reader, domain *identity.Domain, c identity.Caller) (directory.ImportResult, error) {
	r := bufio.NewReader(f)
	var src io.Reader = r
	if magic, err := r.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(r)
		if err != nil {
			return directory.ImportResult{}, fmt.Errorf("%w: %w", errCorruptBackup, err)
		}
		defer gz.Close()
		src = gz
	}
	return domain.Import(ctx, c, src, true)
}

// errCorruptBackup: the file is not a readable backup.
var errCorruptBackup = errors.New("the backup file is not valid gzip")

// restoreProblem is what /openldap/backup/instant shows of a failed
// restore: the kind of failure, not a server's diagnostic.
func restoreProblem(err error) string {
	var gzErr = errors.Is(err, errCorruptBackup) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader)
	if gzErr {
		return errCorruptBackup.Error()
	}
	switch k := identity.Kind(err); k {
	case identity.KindForbidden, identity.KindTooManyRequests, identity.KindNotFound, identity.KindAlreadyExists,
		identity.KindInvalidInput, identity.KindUnavailable, identity.KindConflict, identity.KindNotSupported,
		identity.KindProtected, identity.KindNotEmpty, identity.KindPasswordPolicy, identity.KindCanceled,
		identity.KindDeadlineExceeded:
		return "restore failed: " + k.String()
	}
	return "restore failed: internal error"
}

func (b *backups) setRestore(s *restoreState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.lastRestore = s
}

func (b *backups) restoreState() *restoreState {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.lastRestore == nil {
		return nil
	}
	s := *b.lastRestore
	return &s
}
