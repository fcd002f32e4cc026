package directory

import (
	"fmt"
	"strconv"
)

// ParseNumber parses a uidNumber or gidNumber: a positive decimal integer.
func ParseNumber(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not a positive integer", s)
	}
	return n, nil
}

// IDKind says which number sequence AllocateID draws from.
type IDKind string

// ID sequences.
const (
	UIDSequence IDKind = "uidNumber"
	GIDSequence IDKind = "gidNumber"
)

// Range is an inclusive range of numbers.
type Range struct {
	Min int64
	Max int64
}

// Contains reports whether n lies in the range.
func (r Range) Contains(n int64) bool { return n >= r.Min && n <= r.Max }
