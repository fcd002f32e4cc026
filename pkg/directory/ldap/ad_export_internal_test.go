package ldap

import (
	"context"
	"fmt"

	"github.com/go-ldap/ldap/v3"
)

// Unprotect lifts dirgate's protection (marker and deny-delete ACEs) from
// every OU at or below dn, over conn: tests must remove the trees they
// made, and the port cannot.
func Unprotect(conn *ldap.Conn, dn string) error {
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(dn, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=organizationalUnit)", []string{"dirgateProtected", attrSD}, []ldap.Control{sdFlags()}), 500)
	if err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil
		}
		return err
	}
	for _, e := range res.Entries {
		var changes []ldap.Change
		if e.GetAttributeValue("dirgateProtected") == "TRUE" {
			changes = append(changes, replace("dirgateProtected"))
		}
		acl, control, err := parseDACL(e.GetRawAttributeValue(attrSD))
		if err != nil {
			return err
		}
		if open, changed := acl.withoutDenyEveryone(rightDelete | rightDeleteTree | rightDeleteChild); changed {
			changes = append(changes, replace(attrSD, string(open.descriptor(control))))
		}
		if len(changes) > 0 {
			err := conn.Modify(&ldap.ModifyRequest{DN: e.DN, Changes: changes, Controls: []ldap.Control{sdFlags()}})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

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
