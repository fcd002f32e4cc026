// Package identity is dirgate's core service: every dialect adapter calls
// it, and it alone calls the directory port. It validates input, applies
// the password policy, allocates uid and gid numbers, decides who may do
// what, and writes the audit log.
//
// A Service holds one Domain per configured domain name. Every call on a
// Domain carries the Caller (who, through which dialect, with which scope),
// so authorization and audit happen in one place for all five dialects.
package identity
