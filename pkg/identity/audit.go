package identity

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// AuditLog writes one JSON line per write operation. It never records a
// password: events carry the operation and its target, not its input.
type AuditLog struct {
	mu  sync.Mutex
	w   io.Writer
	now func() time.Time
}

// NewAuditLog writes audit lines to w (nil discards them).
func NewAuditLog(w io.Writer) *AuditLog {
	if w == nil {
		w = io.Discard
	}
	return &AuditLog{w: w, now: time.Now}
}

// AuditEvent is one line of the audit log.
type AuditEvent struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId,omitempty"`
	Caller    string    `json:"caller"`
	Dialect   string    `json:"dialect"`
	Domain    string    `json:"domain"`
	Operation Operation `json:"operation"`
	Target    string    `json:"target"`
	Outcome   string    `json:"outcome"`
	// Error is the kind of failure (a sentinel's text), never the backend's
	// raw diagnostic.
	Error string `json:"error,omitempty"`
	// Entries counts what a backup import wrote, also when it failed
	// part way (an LDAP import is not one transaction).
	Entries *EntryCounts `json:"entries,omitempty"`
	// Address is the client's address (see Caller.Address), when known.
	Address string `json:"address,omitempty"`
}

// EntryCounts are the entries a backup import added, replaced and
// deleted. An import never deletes (entries created since the backup
// stay), so Deleted is there to say so, not to be found non-zero.
type EntryCounts struct {
	Added    int `json:"added"`
	Replaced int `json:"replaced"`
	Deleted  int `json:"deleted"`
}

func (a *AuditLog) record(c Caller, domain string, op Operation, target string, err error) {
	a.recordCounts(c, domain, op, target, err, nil)
}

func (a *AuditLog) recordCounts(c Caller, domain string, op Operation, target string, err error, counts *EntryCounts) {
	if a == nil {
		return
	}
	ev := AuditEvent{
		Time: a.now().UTC(), RequestID: c.RequestID, Caller: c.Name, Dialect: c.Dialect,
		Domain: domain, Operation: op, Target: target, Outcome: "success", Entries: counts,
	}
	if c.Address.IsValid() {
		ev.Address = c.Address.String()
	}
	if err != nil {
		ev.Outcome = "failure"
		ev.Error = errorKind(err)
	}
	line, mErr := json.Marshal(ev)
	if mErr != nil {
		return
	}
	line = append(line, '\n')
	a.mu.Lock()
	defer a.mu.Unlock()
	_, _ = a.w.Write(line)
}

// errorKind names the kind of an error, so the audit log says what kind
// of failure happened without repeating a server's diagnostic. A write
// given up with its request (canceled, past its deadline) or sent to an
// unknown domain has always been an "internal error" here.
func errorKind(err error) string {
	switch k := Kind(err); k {
	case KindDeadlineExceeded, KindCanceled, KindUnknownDomain:
		return KindInternal.String()
	default:
		return k.String()
	}
}
