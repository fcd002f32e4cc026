package readmodel

import "slices"

// A change stream sends a changed group whole: syncrepl the entry with
// every member value, the AD feeds the entry read again. One member
// joining a group of 10,000 (Artica's create joins its organization's
// default group) would cost 10,000 DN normalizations and holder index
// updates, twice, per create. memberChange is what changed between the
// group's values before and after, so that only that touches the
// indexes: BenchmarkReadModelGroupGrows (one join or leave in a group of
// 10,000) went from 4.1 ms to 0.18 ms per change.

// memberChange is how a group's member values changed from one put of it
// to the next. A nil *memberChange means "not worked out": every value is
// indexed afresh.
type memberChange struct {
	// kept holds, by position in the new values, the old value's text
	// where the value was there before, "" where it joined.
	kept []string
	// left are the old values that are gone.
	left []string
}

// diffWindow is how far the walk looks ahead for a value that moved:
// values joined or gone in runs longer than that are still described
// correctly, as gone and joined again, only at their cost.
const diffWindow = 8

// diffMembers walks the old and the new values in step. Values joined
// anywhere and values gone anywhere (in runs up to diffWindow) cost only
// themselves; any other change, a reordering say, is described as values
// gone and joined again, which leaves the indexes as right as indexing
// afresh. Member values are a set: no value appears twice in either.
func diffMembers(old, now []string) *memberChange {
	c := &memberChange{kept: make([]string, len(now))}
	i, j := 0, 0
	for j < len(now) {
		switch {
		case i >= len(old):
			j++ // joined past the old values
		case old[i] == now[j]:
			c.kept[j] = old[i]
			i, j = i+1, j+1
		default:
			if k := slices.Index(old[i+1:min(i+diffWindow, len(old))], now[j]); k >= 0 {
				c.left = append(c.left, old[i:i+1+k]...) // gone before now[j]
				i += 1 + k
			} else if k := slices.Index(now[j+1:min(j+diffWindow, len(now))], old[i]); k >= 0 {
				j += 1 + k // now[j:j+1+k] joined before old[i]
			} else {
				c.left = append(c.left, old[i]) // replaced by now[j]
				i, j = i+1, j+1
			}
		}
	}
	c.left = append(c.left, old[i:]...)
	return c
}

// joined reports whether the value at position j of the new values is
// new to the group (every value, when the change was not worked out).
func (c *memberChange) joined(j int) bool { return c == nil || c.kept[j] == "" }
