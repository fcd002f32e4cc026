package directory

import (
	"fmt"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// DN helpers. DNs are compared by meaning (RFC 4514): parsed, attribute
// types and values compared case-insensitively, so "CN=A,DC=Example" equals
// "cn=a, dc=example".

// ParseDN parses a DN, wrapping a failure in ErrInvalidInput.
func ParseDN(dn string) (*ldap.DN, error) {
	if strings.TrimSpace(dn) == "" {
		return nil, fmt.Errorf("%w: empty DN", ErrInvalidInput)
	}
	if plainDN(dn) {
		return parsePlain(dn), nil
	}
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return nil, fmt.Errorf("%w: DN %q does not parse: %v", ErrInvalidInput, dn, err)
	}
	if len(parsed.RDNs) == 0 {
		return nil, fmt.Errorf("%w: empty DN", ErrInvalidInput)
	}
	return parsed, nil
}

// CheckDN reports, as ParseDN would, whether dn parses, without building
// the parsed form when it is plain (dnplain.go): for a check on every
// lookup.
func CheckDN(dn string) error {
	if plainDN(dn) {
		return nil
	}
	_, err := ParseDN(dn)
	return err
}

// EqualDN reports whether two DNs name the same entry. DNs that do not
// parse are equal only if their text is.
func EqualDN(a, b string) bool {
	if plainDN(a) && plainDN(b) {
		return strings.EqualFold(a, b)
	}
	pa, errA := ldap.ParseDN(a)
	pb, errB := ldap.ParseDN(b)
	if errA != nil || errB != nil {
		return a == b
	}
	return pa.EqualFold(pb)
}

// IsUnder reports whether dn equals base or lies below it.
func IsUnder(dn, base string) bool {
	if plainDN(dn) && plainDN(base) {
		return underPlain(dn, base)
	}
	pd, err := ldap.ParseDN(dn)
	if err != nil {
		return false
	}
	pb, err := ldap.ParseDN(base)
	if err != nil {
		return false
	}
	return pd.EqualFold(pb) || pb.AncestorOfFold(pd)
}

// NormalizeDN renders a DN in one canonical form (lower-case attribute types
// and values, no spaces around separators, values escaped per RFC 4514), for
// use as a map key or index. A DN that does not parse yields an error.
func NormalizeDN(dn string) (string, error) {
	if plainDN(dn) {
		return lowerPlain(dn), nil
	}
	parsed, err := ParseDN(dn)
	if err != nil {
		return "", err
	}
	return strings.ToLower(FormatDN(parsed)), nil
}

// FormatDN renders a parsed DN per RFC 4514.
func FormatDN(dn *ldap.DN) string {
	return FormatDNEscaping(dn, ldap.EscapeDN)
}

// FormatDNEscaping renders a parsed DN with each attribute value written
// by escape, for servers that want more escaped than RFC 4514 asks.
func FormatDNEscaping(dn *ldap.DN, escape func(string) string) string {
	var b strings.Builder
	for i, rdn := range dn.RDNs {
		if i > 0 {
			b.WriteByte(',')
		}
		for j, atv := range rdn.Attributes {
			if j > 0 {
				b.WriteByte('+')
			}
			b.WriteString(atv.Type)
			b.WriteByte('=')
			b.WriteString(escape(atv.Value))
		}
	}
	return b.String()
}

// ParentDN returns the DN of an entry's parent ("" for a one-RDN DN).
func ParentDN(dn string) (string, error) {
	parsed, err := ParseDN(dn)
	if err != nil {
		return "", err
	}
	return FormatDN(&ldap.DN{RDNs: parsed.RDNs[1:]}), nil
}

// ChildDN builds the DN of a child entry: attr=value under parent, escaping
// value exactly once.
func ChildDN(attr, value, parent string) string {
	rdn := attr + "=" + ldap.EscapeDN(value)
	if parent == "" {
		return rdn
	}
	return rdn + "," + parent
}

// FirstRDNValue returns the value of the first attribute of a DN's first
// RDN, e.g. "jdoe" for "uid=jdoe,ou=people,dc=example,dc=com".
func FirstRDNValue(dn string) (string, error) {
	parsed, err := ParseDN(dn)
	if err != nil {
		return "", err
	}
	return parsed.RDNs[0].Attributes[0].Value, nil
}

// CompareDN orders DNs as a tree walk: by their RDNs from the root down,
// case-insensitively, so parents come before their children and siblings
// sort by name. It is the LDAP backend's order of ties in a sorted search,
// which the read model keeps too.
func CompareDN(a, b string) int {
	pa, errA := ldap.ParseDN(a)
	pb, errB := ldap.ParseDN(b)
	if errA != nil || errB != nil {
		return strings.Compare(strings.ToLower(a), strings.ToLower(b))
	}
	for i, j := len(pa.RDNs)-1, len(pb.RDNs)-1; i >= 0 && j >= 0; i, j = i-1, j-1 {
		ra := strings.ToLower(FormatDN(&ldap.DN{RDNs: pa.RDNs[i : i+1]}))
		rb := strings.ToLower(FormatDN(&ldap.DN{RDNs: pb.RDNs[j : j+1]}))
		if c := strings.Compare(ra, rb); c != 0 {
			return c
		}
	}
	return len(pa.RDNs) - len(pb.RDNs)
}
