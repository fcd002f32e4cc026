package ldap

import "github.com/dirgate/dirgate/pkg/directory"

// maxPinnedValues bounds the values of an IN that still counts as
// selecting few entries.
const maxPinnedValues = 50

// fewMatches reports whether a filter pins a field whose values identify
// one entry (an id, a DN, a username or group name, a uidNumber), so it
// matches at most one entry per value given: "the user named alice", the
// most common search of every dialect. A plain search answers it in one
// round trip. A sorted view would cost more than the sorting saves:
// OpenLDAP's sssvlv keeps a view per connection until the connection
// closes, so the connection is dropped after one (vlvSearch), and the
// next request pays a reconnect and a bind. Nothing depends on this for
// correctness: both ways return the same page, and a directory that holds
// duplicates (made outside dirgate) only costs the scan more.
func fewMatches(f directory.Filter) bool {
	switch n := f.(type) {
	case directory.Cond:
		switch n.Op {
		case directory.OpEq, directory.OpIn:
		default:
			return false
		}
		switch n.Field {
		case directory.FieldID, directory.FieldDN, directory.FieldUsername, directory.FieldName, directory.FieldUIDNumber:
			return len(n.Values) <= maxPinnedValues
		}
		return false
	case directory.And:
		// At most as many as its most selective member.
		for _, c := range n {
			if fewMatches(c) {
				return true
			}
		}
		return false
	case directory.Or:
		if len(n) > maxPinnedValues {
			return false
		}
		for _, c := range n {
			if !fewMatches(c) {
				return false
			}
		}
		return len(n) > 0
	default:
		return false
	}
}
