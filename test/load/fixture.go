package main

import (
	"fmt"
	"strings"
)

// The directory tree of a run, as docs/design/ldap-layout.md lays it out
// (OpenLDAP profile, groupOfNames model), bulk-loaded with slapadd.
const (
	suffix   = "dc=example,dc=com"
	domain   = "example.com"
	peopleDN = "ou=people," + suffix
	groupsDN = "ou=groups," + suffix

	adminUser     = "loadadmin"
	adminPassword = "Load-Admin-Pw1"
	adminGroup    = "dirgate-admins"

	// Fixture users and groups take numbers below the ranges dirgate
	// allocates from, so created users never collide with them.
	firstUIDNumber = 20000
	firstGIDNumber = 10000
)

// fixture is the shape of a directory: how many users and groups.
type fixture struct {
	users, groups int
}

// username is the name of fixture user i.
func (f fixture) username(i int) string { return fmt.Sprintf("u%06d", i) }

func (f fixture) userDN(i int) string { return "uid=" + f.username(i) + "," + peopleDN }

// ldif renders the containers, the admin, the users and the groups (user
// i is a member of group i mod groups), with the memberOf values the
// memberof overlay would have written (slapadd does not run overlays).
// Values are plain ASCII made here, so nothing needs escaping.
func (f fixture) ldif() string {
	var b strings.Builder
	b.Grow(f.users*420 + f.users*50)
	fmt.Fprintf(&b, `dn: %s
objectClass: top
objectClass: organizationalUnit
objectClass: dirgateObject
ou: people

dn: %s
objectClass: top
objectClass: organizationalUnit
objectClass: dirgateObject
ou: groups

dn: uid=%s,%s
objectClass: top
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
objectClass: dirgateObject
uid: %s
cn: Load Admin
sn: Admin
displayName: Load Admin
uidNumber: %d
gidNumber: %d
homeDirectory: /home/%s
loginShell: /bin/bash
userPassword: %s
memberOf: cn=%s,%s

dn: cn=%s,%s
objectClass: top
objectClass: groupOfNames
objectClass: posixGroup
objectClass: dirgateObject
cn: %s
gidNumber: %d
member: uid=%s,%s
`, peopleDN, groupsDN, adminUser, peopleDN, adminUser, firstUIDNumber-1, firstGIDNumber-1, adminUser, adminPassword,
		adminGroup, groupsDN, adminGroup, groupsDN, adminGroup, firstGIDNumber-1, adminUser, peopleDN)
	for i := range f.users {
		name := f.username(i)
		fmt.Fprintf(&b, `
dn: uid=%s,%s
objectClass: top
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
objectClass: dirgateObject
uid: %s
cn: Load User %d
sn: User%d
givenName: Load
displayName: Load User %d
mail: %s@example.com
telephoneNumber: +1 555 %07d
title: Tester
uidNumber: %d
gidNumber: %d
homeDirectory: /home/%s
loginShell: /bin/bash
`, name, peopleDN, name, i, i, i, name, i, firstUIDNumber+i, firstGIDNumber+i%max(f.groups, 1), name)
		if f.groups > 0 {
			fmt.Fprintf(&b, "memberOf: cn=g%03d,%s\n", i%f.groups, groupsDN)
		}
	}
	for g := range f.groups {
		fmt.Fprintf(&b, `
dn: cn=g%03d,%s
objectClass: top
objectClass: groupOfNames
objectClass: posixGroup
objectClass: dirgateObject
cn: g%03d
gidNumber: %d
description: Load group %d
`, g, groupsDN, g, firstGIDNumber+g, g)
		if g >= f.users {
			b.WriteString("member:\n") // the empty DN: groupOfNames needs one value
		}
		for i := g; i < f.users; i += f.groups {
			fmt.Fprintf(&b, "member: %s\n", f.userDN(i))
		}
	}
	return b.String()
}
