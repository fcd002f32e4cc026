package artica

import (
	"bufio"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/dirgate/dirgate/pkg/identity"
)

// errBusy: a backup or restore is already running.
var errBusy = errors.New("a backup or restore is already running")

// backups writes and restores the LDIF backups of the backup folder. One
// backup or restore runs at a time.
type backups struct {
	dir  string
	keep int

	running sync.Mutex

	mu          sync.Mutex
	lastRestore *restoreState
}

// backupMeta is the metadata of a backup, the Data of
// /openldap/backup/instant and /openldap/backup/now.
type backupMeta struct {
	File    string    `json:"file"`
	Time    time.Time `json:"time"`
	Entries int       `json:"entries"`
	Size    int64     `json:"size"`
}

// restoreState is the progress of the last restore.
type restoreState struct {
	File     string    `json:"file"`
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished,omitzero"`
	// Status is running, done or failed.
	Status string `json:"status"`
	// Entries is how many entries the restore wrote: Added were not
	// there, Replaced were overwritten with the backup's version.
	Entries  int    `json:"entries"`
	Added    int    `json:"added"`
	Replaced int    `json:"replaced"`
	Error    string `json:"error,omitempty"`
}

// take writes a backup of the domain now. It fails with errBusy when a
// backup or restore is running.
func (b *backups) take(ctx context.Context, domain *identity.Domain, c identity.Caller, now time.Time) (backupMeta, error) {
	if !b.running.TryLock() {
		return backupMeta{}, errBusy
	}
	defer b.running.Unlock()
	if err := os.MkdirAll(b.dir, 0o700); err != nil {
		return backupMeta{}, fmt.Errorf("backup folder: %w", err)
	}
	name := backupName(now)
	tmp, err := os.CreateTemp(b.dir, ".Save-*.tmp")
	if err != nil {
		return backupMeta{}, fmt.Errorf("backup file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	entries, err := writeBackup(ctx, tmp, domain, c)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return backupMeta{}, err
	}
	final := filepath.Join(b.dir, name)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return backupMeta{}, fmt.Errorf("backup file: %w", err)
	}
	info, err := os.Stat(final)
	if err != nil {
		return backupMeta{}, fmt.Errorf("backup file: %w", err)
	}
	meta := backupMeta{File: name, Time: now.UTC().Truncate(time.Second), Entries: entries, Size: info.Size()}
	if err := b.saveMeta(meta); err != nil {
		return meta, err
	}
	return meta, b.prune()
}

// writeBackup streams the domain's LDIF export, gzipped, into f and
// flushes it to disk.
func writeBackup(ctx context.Context, f *os.File, domain *identity.Domain, c identity.Caller) (int, error) {
	buf := bufio.NewWriterSize(f, 64<<10)
	gz := gzip.NewWriter(buf)
	entries, err := domain.Export(ctx, c, gz)
	if err != nil {
		return 0, err
	}
	if err := gz.Close(); err != nil {
		return 0, fmt.Errorf("backup file: %w", err)
	}
	if err := buf.Flush(); err != nil {
		return 0, fmt.Errorf("backup file: %w", err)
	}
	if err := f.Sync(); err != nil {
		return 0, fmt.Errorf("backup file: %w", err)
	}
	return entries, nil
}

func (b *backups) saveMeta(meta backupMeta) error {
	data, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(b.dir, ".meta-*.tmp")
	if err != nil {
		return fmt.Errorf("backup metadata: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), filepath.Join(b.dir, metaFile))
	}
	if err != nil {
		return fmt.Errorf("backup metadata: %w", err)
	}
	return nil
}

// errNoBackup: no backup was taken into the folder yet.
var errNoBackup = errors.New("no backup has been taken yet")

// last returns the metadata of the last backup.
func (b *backups) last() (backupMeta, error) {
	data, err := os.ReadFile(filepath.Join(b.dir, metaFile))
	if errors.Is(err, fs.ErrNotExist) {
		return backupMeta{}, errNoBackup
	}
	if err != nil {
		return backupMeta{}, fmt.Errorf("backup metadata: %w", err)
	}
	var meta backupMeta
	if err := json.Unmarshal(data, &meta); err != nil {
		return backupMeta{}, fmt.Errorf("backup metadata: %w", err)
	}
	return meta, nil
}

// prune removes the oldest Save-* files beyond keep (0 keeps all). The
// names sort by date.
func (b *backups) prune() error {
	if b.keep <= 0 {
		return nil
	}
	dirents, err := os.ReadDir(b.dir)
	if err != nil {
		return fmt.Errorf("backup folder: %w", err)
	}
	var saves []string
	for _, e := range dirents {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), backupPrefix) && strings.HasSuffix(e.Name(), backupSuffix) {
			saves = append(saves, e.Name())
		}
	}
	slices.Sort(saves)
	var errs []error
	for len(saves) > b.keep {
		errs = append(errs, os.Remove(filepath.Join(b.dir, saves[0])))
		saves = saves[1:]
	}
	return errors.Join(errs...)
}
