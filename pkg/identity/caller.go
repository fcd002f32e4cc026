package identity

import (
	"net/netip"
	"slices"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Operation names an action of the core, as checked against a scope and
// written to the audit log.
type Operation string

// Operations. Reads are checked against scopes too; only writes are
// audited.
const (
	OpUserRead           Operation = "user.read"
	OpUserCreate         Operation = "user.create"
	OpUserUpdate         Operation = "user.update"
	OpUserRename         Operation = "user.rename"
	OpUserMove           Operation = "user.move"
	OpUserDelete         Operation = "user.delete"
	OpPasswordSet        Operation = "user.password.set"
	OpPasswordChange     Operation = "user.password.change"
	OpPasswordVerify     Operation = "user.password.verify"
	OpUserEnable         Operation = "user.enable"
	OpUserDisable        Operation = "user.disable"
	OpUserUnlock         Operation = "user.unlock"
	OpGroupRead          Operation = "group.read"
	OpGroupCreate        Operation = "group.create"
	OpGroupUpdate        Operation = "group.update"
	OpGroupRename        Operation = "group.rename"
	OpGroupDelete        Operation = "group.delete"
	OpGroupMemberAdd     Operation = "group.member.add"
	OpGroupMemberRemove  Operation = "group.member.remove"
	OpOURead             Operation = "ou.read"
	OpOUCreate           Operation = "ou.create"
	OpOUDelete           Operation = "ou.delete"
	OpBackupExport       Operation = "backup.export"
	OpBackupImport       Operation = "backup.import"
	OpDirectoryReconnect Operation = "directory.reconnect"
)

// IsWrite reports whether the operation changes the directory.
func (o Operation) IsWrite() bool {
	switch o {
	case OpUserRead, OpGroupRead, OpOURead, OpPasswordVerify, OpBackupExport:
		return false
	default:
		return true
	}
}

// Scope limits what a caller may do. The zero Scope allows everything
// but a restore, which must be granted (Restore).
type Scope struct {
	// ReadOnly refuses every write.
	ReadOnly bool
	// Subtrees, when not empty, are the only parts of the tree the caller
	// may read or change (DNs; an entry is inside when it equals or lies
	// below one of them).
	Subtrees []string
	// Operations, when not nil, are the only operations allowed (e.g. a
	// privacyIDEA admin policy allowing userlist and adduser only).
	Operations []Operation
	// Self, when not empty, is the DN of the only user the caller may read
	// or change: a logged-in user acting on its own account.
	Self string
	// Restore grants importing LDIF over the whole domain (a backup
	// restore): it brings back deleted entries and undoes changes made
	// since, in every dialect's users, so no credential has it by
	// default.
	Restore bool
}

// Caller is who makes a call: recorded in the audit log and checked against
// its scope.
type Caller struct {
	// Name identifies the caller: an API key id, a username, "socket".
	Name string
	// Dialect is the adapter the call came through.
	Dialect string
	// RequestID ties the audit line to the access log.
	RequestID string
	// Address is the client's address as the server determined it (the
	// TCP peer, or what a trusted proxy reported); invalid for a unix
	// socket and for calls that come from no client. Credential checks
	// are throttled by it, and the audit log records it.
	Address netip.Addr
	Scope   Scope
}

// allows checks an operation on the entry at dn ("" when the operation has
// no single target, e.g. a search without base).
func (s Scope) allows(op Operation, dn string) error {
	if s.ReadOnly && op.IsWrite() {
		return forbidden("read-only credentials cannot %s", op)
	}
	if s.Operations != nil && !slices.Contains(s.Operations, op) {
		return forbidden("not allowed to %s", op)
	}
	if dn == "" {
		return nil
	}
	if s.Self != "" && !directory.EqualDN(dn, s.Self) {
		return forbidden("may only act on its own account")
	}
	if !s.covers(dn) {
		return forbidden("%s is outside the allowed subtrees", dn)
	}
	return nil
}

// covers reports whether dn lies inside the allowed subtrees.
func (s Scope) covers(dn string) bool {
	if len(s.Subtrees) == 0 {
		return true
	}
	for _, sub := range s.Subtrees {
		if directory.IsUnder(dn, sub) {
			return true
		}
	}
	return false
}
