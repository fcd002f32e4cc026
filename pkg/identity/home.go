package identity

import (
	"fmt"
	"strings"

	"golang.org/x/net/idna"
)

// homeOf renders the domain's home directory template for a user. POSIX
// homeDirectory is an IA5String (ASCII) in the nis and rfc2307bis schemas,
// and a username is UTF-8 that may hold '/' or other characters a path
// must not: the username enters the path in a portable form.
func (d *Domain) homeOf(username string) string {
	if strings.Contains(d.cfg.HomeDirectory, "%s") {
		return fmt.Sprintf(d.cfg.HomeDirectory, homeName(username))
	}
	return d.cfg.HomeDirectory
}

// homeName maps a username to a portable file name (letters, digits, '.',
// '_', '-'): a non-ASCII name takes its IDNA punycode form, as the LDAP
// backend's memberUid does ("wördy" → "xn--wrdy-5qa"), and any other
// character becomes '_'. A name that is already portable is unchanged.
func homeName(username string) string {
	name := username
	if !isASCII(name) {
		if a, err := idna.Punycode.ToASCII(name); err == nil {
			name = a
		}
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out == "." || out == ".." {
		return "_" + out
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
