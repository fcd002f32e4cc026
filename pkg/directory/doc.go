// Package directory holds dirgate's domain model (users, groups,
// organizational units, account state) and the Directory port through which
// the core identity service talks to a backend.
//
// Every backend (embedded, OpenLDAP, Active Directory) implements the same
// port and passes the same conformance suite in package directorytest. The
// port speaks the model, never a wire format: dialect adapters translate
// their protocol to calls on package identity, which calls this port.
//
// Searches take a Filter of a small language (query.go): conditions on one
// field (eq, in, contains, startsWith, endsWith, present, before, after,
// atLeast, atMost) combined with And, Or and Not. Each has a direct LDAP
// equivalent, so LDAP backends evaluate it on the server; the embedded
// backend evaluates it in memory with the same meaning (text without
// regard to case). atLeast and atMost apply only to fields that are
// Orderable, because an LDAP server without an ordering rule for an
// attribute would silently match nothing; strict comparisons are composed
// (And{AtLeast(f, v), Not{Eq(f, v)}}).
//
// Errors returned by a backend wrap the sentinels in errors.go with %w, so
// callers test them with errors.Is and may still log the backend's detail.
package directory
