package ldap

import (
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// How entries are named: the attribute of their RDN, and whether the
// server refuses a name before anything is written.

// userRDNAttr is the attribute naming users in their DN: the username
// (uid) by default, cn on AD, where cn then holds the username.
func (d *Directory) userRDNAttr() string {
	if d.prof.quirks.userRDN != "" {
		return d.attrs.get(d.prof.quirks.userRDN)
	}
	return d.attrs.get(attrUsername)
}

// groupRDNAttr is the attribute naming groups in their DN.
func (d *Directory) groupRDNAttr() string {
	if d.prof.quirks.groupRDN != "" {
		return d.attrs.get(d.prof.quirks.groupRDN)
	}
	return d.attrs.get(attrGroupName)
}

// cnIsUserRDN: cn names users, so it holds the username and never the
// display name.
func (d *Directory) cnIsUserRDN() bool {
	return strings.EqualFold(d.attrs.get(attrCommonName), d.userRDNAttr())
}

// checkName refuses a user or group name the server cannot store.
func (d *Directory) checkName(kind, name string) error {
	if d.prof.checkName == nil {
		return nil
	}
	return d.prof.checkName(kind, name)
}

// childDN builds the DN of a child entry (attr=value under parent),
// escaping value once, in the form the server takes.
func (d *Directory) childDN(attr, value, parent string) string {
	return d.wireDN(directory.ChildDN(attr, value, parent))
}

// wireDN renders a DN in the form the server parses. RFC 4514 lets "="
// stand unescaped in a value, and OpenLDAP takes it so; AD (and Samba)
// refuse such a DN and want "\3D", the form they return themselves. So on
// those servers every DN that goes out is parsed and written again.
func (d *Directory) wireDN(dn string) string {
	if !d.prof.quirks.escapeEquals || !strings.Contains(dn, "=") {
		return dn
	}
	parsed, err := ldap.ParseDN(dn)
	if err != nil {
		return dn // the server says what is wrong with it
	}
	return directory.FormatDNEscaping(parsed, escapeDNEquals)
}

// escapeDNEquals escapes a DN value as RFC 4514 does, and "=" as well.
func escapeDNEquals(v string) string {
	return strings.ReplaceAll(ldap.EscapeDN(v), "=", `\3D`)
}
