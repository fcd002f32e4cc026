// Package wire is the LDAP backend's read client: a connection that binds,
// optionally upgrades with StartTLS, and then only searches, one request
// at a time on the caller's goroutine.
//
// It exists because of a measurement. Under the load test (test/load,
// docs/benchmarks.md, "go-ldap's decoding"), go-ldap and asn1-ber were
// 44 % of dirgate's CPU for a request that reads one user, and most of its
// garbage (GC 13 %, malloc 23 %): two goroutine hand-offs and a tree of
// BER packets per message, each value read through io.ReadAll's 512-byte
// minimum — 78 KB and 1,155 allocations per request. This client encodes
// a request into one reused buffer and decodes each answer from one read
// of the message, a few allocations per entry: 15 KB and 337 allocations
// per get. The benchmark that guards it compares the backend's get with a
// bare go-ldap search on the same server:
//
//	go test -run '^$' -bench 'OpenLDAP/GetUser' -benchmem ./pkg/directory/ldap/
//
// Only the common case is decoded here. Anything but a plain success (an
// LDAP error, a referral, a control) is handed to go-ldap's own decoders,
// so errors and controls are exactly what the rest of the backend gets
// from go-ldap, and writes, password operations and user binds stay on
// go-ldap.
package wire
