package artica

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"
	"unicode"
)

// Backup files are Artica's daily containers: Save-YYYY-MM-DD.gz, gzipped
// LDIF. A second backup on the same day replaces the first.
const (
	backupPrefix = "Save-"
	backupSuffix = ".gz"
	// metaFile holds the metadata of the last backup; its leading dot keeps
	// it out of reach of the import endpoint.
	metaFile = ".last-backup.json"
)

// backupName is the file a backup taken at t is written to.
func backupName(t time.Time) string {
	return backupPrefix + t.Format(time.DateOnly) + backupSuffix
}

// checkBackupName accepts a bare file name inside the backup folder and
// nothing else: no separators, no "..", no absolute path, no hidden or
// temporary file, no control character. The file is then opened through
// an os.Root on the folder, so even a symlink cannot lead outside it.
func checkBackupName(name string) error {
	switch {
	case name == "":
		return errors.New("a backup file name is required")
	case len(name) > 255:
		return errors.New("the backup file name is too long")
	case strings.ContainsAny(name, `/\`):
		return errors.New("the backup file name must be a bare name, not a path")
	case name == "." || name == ".." || strings.Contains(name, ".."):
		return errors.New(`the backup file name must not contain ".."`)
	case strings.HasPrefix(name, "."):
		return errors.New("the backup file name must not start with a dot")
	case filepath.IsAbs(name) || filepath.VolumeName(name) != "":
		return errors.New("the backup file name must not be an absolute path")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return errors.New("the backup file name must not contain control characters")
		}
	}
	if filepath.Base(name) != name {
		return fmt.Errorf("the backup file name must be a bare name")
	}
	return nil
}
