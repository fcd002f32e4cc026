package config

import (
	"fmt"
	"io/fs"
	"strconv"
)

// FileMode is a unix permission mode written in octal: "0660".
type FileMode fs.FileMode

// String renders the mode as four octal digits, as written in the file.
func (m FileMode) String() string { return fmt.Sprintf("%04o", uint32(m)) }

// Perm is the mode as the os package wants it.
func (m FileMode) Perm() fs.FileMode { return fs.FileMode(m) }

// MarshalText writes the octal form, so a saved file reads back the same.
func (m FileMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// parseFileMode reads a mode from the file or the environment. A string is
// octal ("0660", "660"); a number is taken as YAML already read it (an
// unquoted 0660 is the octal literal 432), and anything above 0777 asks for
// quotes rather than guessing whether 660 meant octal.
func parseFileMode(v any) (FileMode, error) {
	switch v := v.(type) {
	case string:
		n, err := strconv.ParseUint(v, 8, 32)
		if err != nil || n > 0o777 {
			return 0, fmt.Errorf("%q is not an octal permission mode like \"0660\"", v)
		}
		return FileMode(n), nil
	case int:
		return intFileMode(int64(v))
	case int64:
		return intFileMode(v)
	case uint64:
		if v > 0o777 {
			return 0, fmt.Errorf("%d is not a permission mode: quote it, e.g. \"0660\"", v)
		}
		return FileMode(v), nil
	case float64:
		if v != float64(int64(v)) {
			return 0, fmt.Errorf("%v is not a permission mode: quote it, e.g. \"0660\"", v)
		}
		return intFileMode(int64(v))
	default:
		return 0, fmt.Errorf("%v is not a permission mode: write it quoted, e.g. \"0660\"", v)
	}
}

func intFileMode(n int64) (FileMode, error) {
	if n < 0 || n > 0o777 {
		return 0, fmt.Errorf("%d is not a permission mode: quote it, e.g. \"0660\"", n)
	}
	return FileMode(n), nil
}
