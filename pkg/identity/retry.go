package identity

import (
	"errors"
	"fmt"
	"time"
)

// ErrTooManyRequests: the caller must wait before trying again — its
// credential checks are being throttled, or the bound on concurrent
// password hashing is full. Adapters answer it in their own envelope
// (HTTP 429 where the dialect has statuses) with a Retry-After header
// taken from RetryAfter(err).
var ErrTooManyRequests = errors.New("too many requests")

// RetryAfterError carries how long the caller should wait. It wraps
// ErrTooManyRequests, so adapters need test only that sentinel.
type RetryAfterError struct {
	// After is the wait the caller is told; at least one second on the wire.
	After time.Duration
	// Reason is for logs ("throttled: address", "hashing bound full"); it
	// never names an account.
	Reason string
}

func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("too many requests (%s): retry after %s", e.Reason, e.After)
}

// Unwrap makes errors.Is(err, ErrTooManyRequests) true.
func (e *RetryAfterError) Unwrap() error { return ErrTooManyRequests }

// RetryAfter returns the whole seconds a client should wait before trying
// again (at least 1) when err is a too-many-requests error.
func RetryAfter(err error) (seconds int, ok bool) {
	if !errors.Is(err, ErrTooManyRequests) {
		return 0, false
	}
	var re *RetryAfterError
	if errors.As(err, &re) && re.After > time.Second {
		return int((re.After + time.Second - 1) / time.Second), true
	}
	return 1, true
}
