package ldap

import (
	"strings"

	"golang.org/x/net/idna"
)

// memberUid is an IA5String (ASCII) in the nis schema, while usernames
// (uid) are UTF-8. A username outside ASCII is stored in memberUid in its
// IDNA punycode form ("jürgen" → "xn--jrgen-kva"), as DNS stores such
// names; the form is reversible and keeps case. Such a name is no valid
// POSIX account name, so NSS clients lose nothing they could have used.

// memberUIDOf returns the memberUid value for a username.
func memberUIDOf(username string) string {
	if isASCII(username) {
		return username
	}
	if a, err := idna.Punycode.ToASCII(username); err == nil {
		return a
	}
	return username // the server refuses it with a clear syntax error
}

// usernameOf returns the username a memberUid value stands for.
func usernameOf(v string) string {
	if !strings.Contains(v, "xn--") {
		return v
	}
	if u, err := idna.Punycode.ToUnicode(v); err == nil {
		return u
	}
	return v
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
