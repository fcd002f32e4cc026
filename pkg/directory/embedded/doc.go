// Package embedded is dirgate's built-in directory: the backend used when
// no LDAP server is configured.
//
// The whole directory lives in memory with its indexes (DN, username,
// uidNumber, group name, gidNumber, parent to children, member to groups)
// and is persisted in one bbolt file, one JSON record per entry. Every
// write of the Directory port is one bbolt transaction, synced to disk
// before the call returns: an acknowledged change survives a kill -9. A
// write holds the store's lock until its sync is done, so readers never
// see a change that could still be undone; reads never touch the disk.
//
// Keeping everything in memory suits the directories the embedded store is
// for (thousands of accounts, one process: bbolt's file lock keeps a second
// one out) and makes searches a pass over memory: the filter language is
// compiled to a predicate, results sorted and paged, and the default order
// (by username) is kept ready so that paging through 10,000 users costs no
// sort.
//
// Passwords are argon2id hashes in the format of OpenLDAP's argon2 module,
// and exports follow docs/design/ldap-layout.md, so an export imports into
// OpenLDAP and its passwords still verify there.
package embedded
