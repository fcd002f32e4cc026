// Package artica serves Artica's OpenLDAP REST API (the `/openldap/...`
// endpoints Artica appliances call through
// `curl --unix-socket …/articarest.sock`) on top of dirgate's core.
//
// The wire contract is section 1 of the dialects contract and
// docs/dialects/artica.md: every answer is Artica's pretty-printed JSON
// envelope (Status/Info/Error/Version/Data) with HTTP 200, even for
// failures, because Artica clients read Status and not the status code.
// The one exception is an authentication failure on the TCP listener,
// which is HTTP 403 with Artica's "Authentication failed" body.
//
// Artica keeps each organization in its own subtree
// (ou=users,ou=<ORG>,dc=organizations,<suffix> and ou=groups,…); the
// adapter creates a configured organization's containers and default
// group through the core the first time the organization is used, and
// limits every member and group call to the configured organizations'
// subtrees by the caller's scope.
package artica
