// Package directory holds dirgate's domain model (users, groups,
// organizational units, account state) and the Directory port through which
// the core identity service talks to a backend.
//
// Every backend (embedded, OpenLDAP, Active Directory) implements the same
// port and passes the same conformance suite in package directorytest. The
// port speaks the model, never a wire format: dialect adapters translate
// their protocol to calls on package identity, which calls this port.
//
// Errors returned by a backend wrap the sentinels in errors.go with %w, so
// callers test them with errors.Is and may still log the backend's detail.
package directory
