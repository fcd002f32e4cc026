// Package openldap ships dirgate's LDAP schema and seed entries for OpenLDAP:
// the files in this directory, embedded so that tools and the test harness
// (internal/testenv/slapd) load exactly what an administrator would.
//
// See README.md in this directory for loading them into an existing server.
package openldap

import "embed"

// Files holds the schema (.schema for slapd.conf, .ldif for cn=config) and
// the default password policy entry.
//
//go:embed *.schema *.ldif
var Files embed.FS

// File returns one shipped file by name, e.g. "dirgate.schema".
func File(name string) ([]byte, error) { return Files.ReadFile(name) }
