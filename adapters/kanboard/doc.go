// Package kanboard serves Kanboard's JSON-RPC user API (POST /jsonrpc.php)
// over dirgate's core, so Kanboard integrations and Kanboard's official API
// clients keep working against a directory.
//
// The wire follows Kanboard's bundled JsonRPC library (fguillot/JsonRPC):
// its error codes and messages, batches answered in order, notifications
// answered with nothing, method names matched case-insensitively, and its
// positional-or-named argument binding with the same -32602 data strings.
// Message parsing is creachadair/jrpc2's; what Kanboard does differently is
// here (see docs/dialects/kanboard.md, "Protocol").
//
// Kanboard's users table becomes the directory: a user id is the user's
// uidNumber, a role is membership of a configured group, and a user that
// createLdapUser registers is a member of a configured group too, so every
// dirgate replica sees the same users.
package kanboard
