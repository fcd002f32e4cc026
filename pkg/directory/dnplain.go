package directory

import (
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// A plain DN is one whose text is already its own canonical form, but for
// case: RDNs of one attribute, "type=value", types and values made only of
// ASCII letters, digits, '-', '.' and '_' — no spaces, escapes, quotes,
// '+', '#' or second '='. Almost every DN a lookup names is plain
// ("uid=jdoe,ou=people,dc=example,dc=com"), and for those parsing is
// needless: go-ldap would yield one attribute per RDN holding the text as
// written, EscapeDN would leave every value as it is, and EqualFold of two
// such DNs is EqualFold of their text. Parsing each of them cost 5–12 %
// of dirgate's CPU per lookup with the read model on (docs/benchmarks.md,
// issue 21). Every other DN takes the parser's path.

// plainDN reports whether dn is plain.
func plainDN(dn string) bool {
	if dn == "" {
		return false
	}
	start, eq := 0, -1 // start of the current RDN, its '=' (-1: none yet)
	for i := 0; i <= len(dn); i++ {
		if i == len(dn) || dn[i] == ',' {
			if eq <= start || eq == i-1 {
				return false // no '=', or an empty type or value
			}
			start, eq = i+1, -1
			continue
		}
		switch c := dn[i]; {
		case c == '=':
			if eq >= 0 {
				return false
			}
			eq = i
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '-', c == '.', c == '_':
		default:
			return false
		}
	}
	return true
}

// underPlain is IsUnder for two plain DNs.
func underPlain(dn, base string) bool {
	if len(dn) == len(base) {
		return strings.EqualFold(dn, base)
	}
	cut := len(dn) - len(base)
	return cut > 0 && dn[cut-1] == ',' && strings.EqualFold(dn[cut:], base)
}

// lowerPlain is NormalizeDN of a plain DN: its text, lower-cased, without
// a copy when it is lower-case already.
func lowerPlain(dn string) string {
	for i := 0; i < len(dn); i++ {
		if c := dn[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(dn)
		}
	}
	return dn
}

// parsePlain is go-ldap's ParseDN of a plain DN, in five allocations
// rather than a few per character.
func parsePlain(dn string) *ldap.DN {
	n := strings.Count(dn, ",") + 1
	rdns := make([]ldap.RelativeDN, n)
	atvs := make([]ldap.AttributeTypeAndValue, n)
	ptrs := make([]*ldap.AttributeTypeAndValue, n)
	out := &ldap.DN{RDNs: make([]*ldap.RelativeDN, n)}
	for i := range n {
		rdn, rest, _ := strings.Cut(dn, ",")
		dn = rest
		typ, value, _ := strings.Cut(rdn, "=")
		atvs[i] = ldap.AttributeTypeAndValue{Type: typ, Value: value}
		ptrs[i] = &atvs[i]
		rdns[i].Attributes = ptrs[i : i+1 : i+1]
		out.RDNs[i] = &rdns[i]
	}
	return out
}
