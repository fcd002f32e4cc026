package ldap

import (
	"bytes"
	"context"
	"fmt"
)

// RangedMembers reads the member values of the group at dn as a Windows
// DC hands out a large group: the first read asks for the range
// 0-1499, and rangedMemberValues fetches the others from the server.
func RangedMembers(ctx context.Context, d *Directory, dn string) ([]string, error) {
	e, err := d.readEntry(ctx, dn, "(objectClass=*)", []string{"member;range=0-1499"})
	if err != nil {
		return nil, err
	}
	if _, _, more := rangeValues(e, "member"); !more {
		return nil, fmt.Errorf("the server sent no first range: %v", e.Attributes)
	}
	return rangedMemberValues(ctx, d, e, "member")
}

// withoutDenyEveryone removes the explicit ACEs denying Everyone any of
// mask.
func (acl dacl) withoutDenyEveryone(mask uint32) (dacl, bool) {
	out := dacl{revision: acl.revision}
	for _, a := range acl.aces {
		if a.typ() == aceAccessDenied && a.flags()&aceInherited == 0 && a.mask()&mask != 0 && bytes.Equal(a.trustee(), everyone) {
			continue
		}
		out.aces = append(out.aces, a)
	}
	return out, len(out.aces) != len(acl.aces)
}
