// Package ldap is the LDAP backend of the directory port, over
// github.com/go-ldap/ldap/v3.
//
// One backend serves every LDAP server; a profile says how a kind of
// server stores the model. A profile is data plus a few hooks: an
// attribute map (the model's fields to LDAP attribute names), the object
// classes of users, groups and OUs, and the hooks where servers really
// differ — how account state is kept (accountPolicy), how passwords are
// set (passwordSetter), how the stable id is encoded (idCodec). The
// "openldap" profile keeps account state in the ppolicy overlay's
// attributes and sets passwords with the RFC 3062 Password Modify
// operation; the "ad" profile supplies its own hooks. The group model
// (groupOfNames with member DNs, or posixGroup with memberUid) is a second,
// independent choice.
//
// Connections: a pool of go-ldap connections bound as the service account
// for writes, a read pool bound likewise whose connections speak the lean
// search-only client of internal/wire (lookups, memberships, scans), and a
// pool for binding as users (password verification and self-service
// changes), all over several server URLs with failover and reconnect
// backoff. Every call runs under a deadline
// (the caller's or the configured request timeout) and fails with
// directory.ErrUnavailable when the server does not answer in time.
//
// Errors wrap the sentinels of package directory; the LDAP diagnostic
// stays in the wrapping text for logs.
package ldap
