package dialect

import (
	"errors"
	"fmt"
)

// DefaultMaxResults bounds the entries of one list answer where a dialect
// lists a whole container, a group's members or a user's groups and has
// no paging its clients know. Past it the dialect refuses in its own
// envelope instead of building an answer as large as the directory.
const DefaultMaxResults = 10000

// ErrTooManyResults: an answer would list more entries than the
// dialect's maxResults.
var ErrTooManyResults = errors.New("too many results")

// MaxResults is the configured bound, or the default for 0.
func MaxResults(configured int) int {
	if configured <= 0 {
		return DefaultMaxResults
	}
	return configured
}

// CheckResults returns ErrTooManyResults, saying the bound, when n
// entries are more than max. A search asks for max+1 entries, so that n
// past max means "more than max" without reading them all.
func CheckResults(n, max int) error {
	if n > max {
		return fmt.Errorf("%w: more than %d entries to list (maxResults)", ErrTooManyResults, max)
	}
	return nil
}
