package ldap

import (
	"github.com/go-ldap/ldap/v3"
)

// oidAssertion is the assertion control (RFC 4528): the server applies
// the operation only when the entry matches the control's filter, else
// answers assertionFailed, in the same round trip. A server without it
// answers unavailableCriticalExtension to a critical one.
const oidAssertion = "1.3.6.1.1.12"

// assertAbsent returns the critical assertion control that the entry
// holds no value v of attr; ok is false when the filter cannot be
// encoded, and the caller must then do without the guard.
func assertAbsent(attr, v string) (c ldap.Control, ok bool) {
	f, err := ldap.CompileFilter("(!(" + attr + "=" + ldap.EscapeFilter(v) + "))")
	if err != nil {
		return nil, false
	}
	return ldap.NewControlString(oidAssertion, true, string(f.Bytes())), true
}
