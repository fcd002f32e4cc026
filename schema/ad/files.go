// Package ad ships the Active Directory schema extension of dirgate's "ad"
// LDAP profile, embedded so that the test harness (internal/testenv/samba)
// loads exactly what an administrator would.
package ad

import (
	_ "embed"
	"strings"
)

// SchemaLDIF is dirgate-ad-schema.ldif: change records (ldifde / ldapmodify
// form) whose DNs end in the placeholder DC=X.
//
//go:embed dirgate-ad-schema.ldif
var SchemaLDIF string

// Schema returns the schema extension's change records for the forest whose
// root domain is rootDN (e.g. "DC=example,DC=com").
func Schema(rootDN string) string { return strings.ReplaceAll(SchemaLDIF, "DC=X", rootDN) }
