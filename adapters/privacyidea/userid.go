package privacyidea

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// uidType says what a resolver shows as "userid" and finds users by: the
// original LDAP resolver's UIDTYPE.
type uidType int

const (
	uidNumber uidType = iota // the POSIX uidNumber, as in the seed's example ("1009")
	uidID                    // the directory's stable id: entryUUID, objectGUID
	uidDN                    // the distinguished name
)

func parseUIDType(s string) (uidType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "uidnumber":
		return uidNumber, nil
	case "id", "entryuuid", "objectguid":
		return uidID, nil
	case "dn":
		return uidDN, nil
	}
	return 0, fmt.Errorf("uidType %q is not uidNumber, id or dn", s)
}

// of renders a user's userid.
func (t uidType) of(u *directory.User) string {
	switch t {
	case uidID:
		return u.ID
	case uidDN:
		return u.DN
	default:
		if u.UIDNumber == 0 {
			return ""
		}
		return strconv.FormatInt(u.UIDNumber, 10)
	}
}

// ref turns a userid back into a reference; ok is false when the value
// cannot be one (a uidNumber that is not a number), so no user has it.
func (t uidType) ref(userid string) (directory.Ref, bool) {
	switch t {
	case uidID:
		return directory.ByID(userid), userid != ""
	case uidDN:
		if _, err := directory.ParseDN(userid); err != nil {
			return directory.Ref{}, false
		}
		return directory.ByDN(userid), true
	default:
		n, err := directory.ParseNumber(userid)
		if err != nil {
			return directory.Ref{}, false
		}
		return directory.ByNumber(n), true
	}
}
