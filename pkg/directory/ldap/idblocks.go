package ldap

import (
	"sync"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// A process claims uid and gid numbers from the counter in blocks: one
// compare-and-swap advances the counter past the whole block, and the
// process hands the block's numbers out one by one, each checked unused
// by one search (AllocateID) instead of a read, a search and a swap.
// Every block is claimed by the swap, so blocks of different processes
// never overlap. A block's unused numbers are lost when the process
// stops (docs/backends.md, "uid and gid numbers"): the block stays small
// unless numbers go fast. It starts at one number, as unbatched
// allocation did, doubles while each block is used up within
// blockBurst of its claim, up to maxBlock, and halves otherwise.
const (
	maxBlock   = 64
	blockBurst = time.Second
)

// idBlocks holds this process's claimed, not yet handed out numbers per
// kind. Allocations of one kind take turns (allocTurns); the mutex keeps
// the kinds' maps safe from each other.
type idBlocks struct {
	mu    sync.Mutex
	kinds map[directory.IDKind]*idBlock
}

type idBlock struct {
	next, hi int64     // the numbers not handed out yet: next..hi
	n        int64     // the size of the next block
	claimed  time.Time // when the last block was claimed
}

func (b *idBlocks) of(kind directory.IDKind) *idBlock {
	if b.kinds == nil {
		b.kinds = map[directory.IDKind]*idBlock{}
	}
	blk, ok := b.kinds[kind]
	if !ok {
		blk = &idBlock{n: 1, hi: -1}
		b.kinds[kind] = blk
	}
	return blk
}

// next hands out the kind's next number of the block that lies in r.
// Numbers of the block below r.Min are passed over: a domain's ranges do
// not change while it runs, so that happens only to callers asking
// narrower ranges (tests).
func (b *idBlocks) next(kind directory.IDKind, r directory.Range) (int64, bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	blk := b.of(kind)
	n := max(blk.next, r.Min)
	if n > blk.hi || n > r.Max {
		return 0, false
	}
	blk.next = n + 1
	return n, true
}

// size returns how many numbers the next block of the kind claims:
// twice the last when that was used up within blockBurst, else half.
func (b *idBlocks) size(kind directory.IDKind) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	blk := b.of(kind)
	if !blk.claimed.IsZero() {
		if time.Since(blk.claimed) < blockBurst {
			blk.n = min(2*blk.n, maxBlock)
		} else {
			blk.n = max(blk.n/2, 1)
		}
	}
	return blk.n
}

// fill makes lo..hi the kind's block, in place of what is left of the
// last one.
func (b *idBlocks) fill(kind directory.IDKind, lo, hi int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	blk := b.of(kind)
	blk.next, blk.hi, blk.claimed = lo, hi, time.Now()
}
