package ldap

import (
	"sync"

	"github.com/dirgate/dirgate/pkg/directory"
)

// issuedNumbers remembers the highest uid and gid number this process
// handed out. The counter entries are replicated like any entry, so after
// a failover to another provider the counter read there may lag behind
// numbers already given to users on the provider that went away (whose
// entries have not arrived either): without this floor the next
// allocations would hand those numbers out a second time. It cannot see
// numbers other processes took through other servers: replicas allocate
// safely only when they all write through the same provider.
type issuedNumbers struct {
	mu      sync.Mutex
	highest map[directory.IDKind]int64
}

// floor is the lowest number of r that may be handed out next: one above
// the highest this process issued in r, else r.Min.
func (h *issuedNumbers) floor(kind directory.IDKind, r directory.Range) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n, ok := h.highest[kind]; ok && r.Contains(n) {
		return n + 1
	}
	return r.Min
}

// record notes that n was handed out.
func (h *issuedNumbers) record(kind directory.IDKind, n int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.highest == nil {
		h.highest = map[directory.IDKind]int64{}
	}
	h.highest[kind] = max(h.highest[kind], n)
}
