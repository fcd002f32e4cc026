package ldap

import "github.com/go-ldap/ldap/v3"

// Unprotect lifts dirgate's protection (marker and deny-delete ACE) from
// every OU at or below dn, over conn: tests must remove the trees they
// made, and the port cannot.
func Unprotect(conn *ldap.Conn, dn string) error {
	res, err := conn.SearchWithPaging(ldap.NewSearchRequest(dn, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 0, 0, false,
		"(objectClass=organizationalUnit)", []string{"dirgateProtected"}, nil), 500)
	if err != nil {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil
		}
		return err
	}
	for _, e := range res.Entries {
		if e.GetAttributeValue("dirgateProtected") == "TRUE" {
			if err := conn.Modify(&ldap.ModifyRequest{DN: e.DN, Changes: []ldap.Change{replace("dirgateProtected")}}); err != nil {
				return err
			}
		}
	}
	return nil
}
