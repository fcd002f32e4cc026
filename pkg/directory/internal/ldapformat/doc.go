// Package ldapformat holds the LDAP text formats both directory backends
// write and read: LDIF content records (RFC 2849) for export, and
// GeneralizedTime (RFC 4517) values. One writer and one time reader, so
// that an export of the LDAP backend and one of the embedded store encode
// the same value the same way.
package ldapformat
