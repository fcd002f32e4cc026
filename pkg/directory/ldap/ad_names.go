package ldap

import (
	"strings"
	"unicode/utf8"
)

// sAMAccountName limits: the "pre-Windows 2000" name of users holds at
// most 20 characters; a group's may be longer, but its cn (the RDN, equal
// to the name) holds at most 64.
const (
	samUserMax  = 20
	samGroupMax = 64
)

// samForbidden are the characters AD refuses in a sAMAccountName.
const samForbidden = `"/\[]:;|=,+*?<>`

// checkSAMAccountName refuses, before anything is written, a user or
// group name AD cannot store, with the reason; AD itself accepts some
// names longer than its documented limit (Samba does), which later break
// Windows logons.
func checkSAMAccountName(kind, name string) error {
	limit := samUserMax
	if kind == kindGroup {
		limit = samGroupMax
	}
	if n := utf8.RuneCountInString(name); n > limit {
		return invalid("%q has %d characters; Active Directory's sAMAccountName of a %s holds at most %d", name, n, kind, limit)
	}
	if i := strings.IndexAny(name, samForbidden); i >= 0 {
		return invalid("%q: Active Directory's sAMAccountName cannot hold %q (none of %s)", name, name[i:i+1], samForbidden)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return invalid("%q: a sAMAccountName cannot hold control characters", name)
		}
	}
	if strings.Trim(name, ". ") == "" {
		return invalid("%q: a sAMAccountName cannot consist of dots and spaces only", name)
	}
	if strings.HasSuffix(name, ".") {
		return invalid("%q: a sAMAccountName cannot end with a dot", name)
	}
	return nil
}
