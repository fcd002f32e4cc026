package directory

import "context"

// Progress hears how far a long import or export is: done entries of
// total, total 0 when the backend cannot tell in advance. Backends call it
// now and then from the operation's goroutine; it must return quickly.
//
// It travels in the context rather than in the Directory port because it
// is optional on both sides: a caller without a terminal sets none, and
// a backend that cannot tell says nothing.
type Progress func(done, total int)

type progressKey struct{}

// WithProgress returns a context whose imports and exports report to p.
func WithProgress(ctx context.Context, p Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ReportProgress tells the context's Progress, if any, how far the
// operation is.
func ReportProgress(ctx context.Context, done, total int) {
	if p, ok := ctx.Value(progressKey{}).(Progress); ok && p != nil {
		p(done, total)
	}
}
