package hostile

import (
	"fmt"
	"strings"
)

// seedLDIF is the directory the suites start from: the containers, the
// seeded accounts (inetOrgPerson and posixAccount, every attribute a
// dialect can search set to a plain value), the admin group and a group
// of the plain users. Values are plain words, so a hostile search value
// can only match them if it is not taken literally.
func seedLDIF() string {
	var b strings.Builder
	for _, ou := range []string{"people", "groups", "scoped"} {
		fmt.Fprintf(&b, "dn: ou=%s,%s\nobjectClass: organizationalUnit\nou: %s\n\n", ou, Base, ou)
	}
	for _, a := range Seeded {
		word := plainWord(a.Username)
		fmt.Fprintf(&b, `dn: %s
objectClass: inetOrgPerson
objectClass: posixAccount
uid: %s
cn: %s
sn: %s
givenName: %s
displayName: %s
mail: %s@example.com
telephoneNumber: +1 555 0100
mobile: +1 555 0199
title: staff
description: seeded account
uidNumber: %d
gidNumber: 60000
homeDirectory: /home/%s
userPassword: %s

`, a.DN(), a.Username, word, word, word, word, word, a.UIDNumber, word, a.Password)
	}
	fmt.Fprintf(&b, `dn: cn=%s,%s
objectClass: groupOfNames
objectClass: posixGroup
cn: %s
gidNumber: 60000
member: %s
member: %s

dn: cn=staff,%s
objectClass: groupOfNames
objectClass: posixGroup
cn: staff
gidNumber: 60001
member: %s
member: %s

dn: cn=%s,%s
objectClass: groupOfNames
objectClass: posixGroup
cn: %s
gidNumber: 60002
member: cn=%s,%s
`, AdminGroup, GroupsDN, AdminGroup, Root.DN(), Lister.DN(), GroupsDN, Alice.DN(), Bob.DN(),
		KanboardAdminGroup, GroupsDN, KanboardAdminGroup, AdminGroup, GroupsDN)
	return b.String()
}

// plainWord is a name's letters only (the Literal account's other
// attributes must not hold its metacharacters).
func plainWord(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' {
			return r
		}
		return -1
	}, s)
}
