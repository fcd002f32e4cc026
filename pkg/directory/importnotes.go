package directory

import (
	"context"
	"maps"
	"slices"
)

// ImportNotes is what an import has to tell beyond its count, gathered
// for the caller to say once (a summary, not a line per entry).
type ImportNotes struct {
	// Unverifiable counts the users whose imported password hash this
	// directory cannot verify (an {SSHA} hash in the embedded store): they
	// cannot log on until they are given a new password.
	Unverifiable int
	// schemes counts those users by hash scheme ("{SSHA}").
	schemes map[string]int
}

// NoteUnverifiable records one user whose hash, of scheme, this directory
// cannot verify.
func (n *ImportNotes) NoteUnverifiable(scheme string) {
	n.Unverifiable++
	if n.schemes == nil {
		n.schemes = map[string]int{}
	}
	n.schemes[scheme]++
}

// Schemes lists the unverifiable hash schemes met, sorted.
func (n *ImportNotes) Schemes() []string { return slices.Sorted(maps.Keys(n.schemes)) }

type importNotesKey struct{}

// WithImportNotes returns a context whose imports fill n. A caller that
// sets it reports the notes itself; without it, the backend logs them.
func WithImportNotes(ctx context.Context, n *ImportNotes) context.Context {
	return context.WithValue(ctx, importNotesKey{}, n)
}

// ImportNotesFrom returns the notes the caller asked for, or nil.
func ImportNotesFrom(ctx context.Context) *ImportNotes {
	n, _ := ctx.Value(importNotesKey{}).(*ImportNotes)
	return n
}
