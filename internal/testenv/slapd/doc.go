// Package slapd starts private OpenLDAP servers for tests: each one in its
// own short temporary directory, configured from dirgate's shipped schema
// (schema/openldap), listening on a free loopback port and a unix socket, and
// stopped when the test ends.
//
//	srv := slapd.Start(t, slapd.Options{})               // everything dirgate uses
//	srv := slapd.Start(t, slapd.Options{Groups: slapd.PosixGroup, Disable: slapd.SortVLV})
//	conn := srv.Dial(t)                                  // bound as srv.BindDN
//	srv.Stop(); srv.Start()                              // same port and data
//
// Without slapd on the machine the test is skipped with the command that
// installs it (InstallHint); with CI=true it fails instead.
package slapd
