package console

import (
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/dirgate/dirgate/pkg/identity"
)

// AuditRing keeps the latest audit lines in memory for the audit view. It
// is an io.Writer beside the audit file (identity.AuditLog writes one
// whole line per Write), so it holds exactly what the file holds — the
// audit log never carries a secret, and the ring adds nothing to it.
type AuditRing struct {
	mu     sync.Mutex
	events []identity.AuditEvent
	next   int
	full   bool
}

// NewAuditRing keeps the last n events (at least 1).
func NewAuditRing(n int) *AuditRing {
	return &AuditRing{events: make([]identity.AuditEvent, max(n, 1))}
}

// Write takes one or more JSON lines; a line that does not decode is
// skipped, never an error: the audit file must not fail for the console.
func (a *AuditRing) Write(p []byte) (int, error) {
	for line := range bytes.Lines(p) {
		var ev identity.AuditEvent
		if json.Unmarshal(line, &ev) != nil {
			continue
		}
		a.mu.Lock()
		a.events[a.next] = ev
		a.next = (a.next + 1) % len(a.events)
		a.full = a.full || a.next == 0
		a.mu.Unlock()
	}
	return len(p), nil
}

// AuditQuery selects events: every non-empty field must match. Actor and
// Target match as case-insensitive substrings.
type AuditQuery struct {
	Actor, Target string
	Since, Until  time.Time
	// Limit bounds the answer (0: 200).
	Limit int
}

// Search returns the matching events, newest first.
func (a *AuditRing) Search(q AuditQuery) []identity.AuditEvent {
	if q.Limit <= 0 {
		q.Limit = 200
	}
	actor, target := strings.ToLower(q.Actor), strings.ToLower(q.Target)
	a.mu.Lock()
	defer a.mu.Unlock()
	n := a.next
	if a.full {
		n = len(a.events)
	}
	var out []identity.AuditEvent
	for i := range n {
		ev := a.events[(a.next-1-i+len(a.events))%len(a.events)]
		switch {
		case actor != "" && !strings.Contains(strings.ToLower(ev.Caller), actor):
		case target != "" && !strings.Contains(strings.ToLower(ev.Target), target):
		case !q.Since.IsZero() && ev.Time.Before(q.Since):
		case !q.Until.IsZero() && ev.Time.After(q.Until):
		default:
			out = append(out, ev)
			if len(out) == q.Limit {
				return out
			}
		}
	}
	return out
}
