package embedded

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// The LDIF layout of docs/design/ldap-layout.md: what an export writes and
// an import reads, so that an export imports into OpenLDAP with dirgate's
// schema, the ppolicy overlay and the argon2 password module.

// exported is one entry of an export.
type exported struct {
	dn    string
	attrs []attr
}

// attrs builds an attribute list, leaving out empty values.
type attrs []attr

func (as *attrs) add(name string, values ...string) {
	var vs []string
	for _, v := range values {
		if v != "" {
			vs = append(vs, v)
		}
	}
	if len(vs) > 0 {
		*as = append(*as, attr{name: name, values: vs})
	}
}

func (as *attrs) flag(name string, on bool) {
	if on {
		as.add(name, "TRUE")
	}
}

func (as *attrs) number(name string, n int64) {
	if n > 0 {
		as.add(name, strconv.FormatInt(n, 10))
	}
}

func (as *attrs) time(name string, t time.Time) {
	if !t.IsZero() {
		as.add(name, formatGenTime(t))
	}
}

func (as *attrs) operational(id string, created, modified time.Time) {
	as.add("entryUUID", id)
	as.time("createTimestamp", created)
	as.time("modifyTimestamp", modified)
}

// Export writes every entry under the base, parents before children:
// the base, the id counters, then the tree depth first.
func (d *Directory) Export(ctx context.Context, w io.Writer) (int, error) {
	var entries []exported
	err := d.read(ctx, func(s *state) error {
		entries = d.exportTree(s)
		return nil
	})
	if err != nil {
		return 0, err
	}
	lw := newLDIFWriter(w)
	for i, e := range entries {
		if i%1024 == 0 && ctx.Err() != nil {
			return 0, unavailable(ctx.Err())
		}
		if i%256 == 0 {
			directory.ReportProgress(ctx, i, len(entries))
		}
		lw.entry(e.dn, e.attrs)
	}
	if err := lw.flush(); err != nil {
		return 0, fmt.Errorf("%w: writing the export: %w", directory.ErrUnavailable, err)
	}
	directory.ReportProgress(ctx, len(entries), len(entries))
	return len(entries), nil
}

func (d *Directory) exportTree(s *state) []exported {
	out := []exported{baseEntry(s.base)}
	for _, kind := range []directory.IDKind{directory.UIDSequence, directory.GIDSequence} {
		if next, ok := s.counters[kind]; ok {
			var as attrs
			as.add("objectClass", "top", "dirgateCounter")
			as.add("cn", string(kind))
			as.add("dirgateNextId", strconv.FormatInt(next, 10))
			out = append(out, exported{dn: counterDN(kind, s.base.DN), attrs: as})
		}
	}
	var walk func(container string)
	walk = func(container string) {
		var kids []directory.Entry
		for id := range s.children[container] {
			if e, _, ok := s.entry(id); ok {
				kids = append(kids, e)
			}
		}
		slices.SortFunc(kids, entryOrder)
		for _, k := range kids {
			switch k.Type {
			case directory.EntryOU:
				out = append(out, ouEntry(s.ous[k.ID]))
				walk(k.ID)
			case directory.EntryGroup:
				out = append(out, groupEntry(s, s.groups[k.ID]))
			case directory.EntryUser:
				out = append(out, userEntry(s.users[k.ID]))
			}
		}
	}
	walk(s.base.ID)
	return out
}

// baseEntry is the domain's root: dcObject + organization for dc=, else
// the class its RDN attribute names.
func baseEntry(b *baseRec) exported {
	var as attrs
	parsed, _ := directory.ParseDN(b.DN)
	rdn := parsed.RDNs[0].Attributes[0]
	switch fold(rdn.Type) {
	case "dc":
		as.add("objectClass", "top", "dcObject", "organization")
		as.add("dc", rdn.Value)
		as.add("o", rdn.Value)
	case "o":
		as.add("objectClass", "top", "organization")
		as.add("o", rdn.Value)
	case "ou":
		as.add("objectClass", "top", "organizationalUnit")
		as.add("ou", rdn.Value)
	default:
		as.add("objectClass", "top", "extensibleObject")
		as.add(rdn.Type, rdn.Value)
	}
	as.operational(b.ID, b.Created, b.Modified)
	return exported{dn: b.DN, attrs: as}
}

func ouEntry(o *ouRec) exported {
	var as attrs
	as.add("objectClass", "top", "organizationalUnit", "dirgateObject")
	as.add("ou", o.Name)
	as.add("description", o.Description)
	as.add("street", o.Street)
	as.add("l", o.City)
	as.add("st", o.State)
	as.add("postalCode", o.PostalCode)
	as.add("co", o.Country)
	as.flag("dirgateProtected", o.Protected)
	as.operational(o.ID, o.Created, o.Modified)
	return exported{dn: o.DN, attrs: as}
}

// groupEntry writes the groupOfNames model: members by DN, and a single
// empty member when there is none (groupOfNames requires one).
func groupEntry(s *state, g *groupRec) exported {
	var as attrs
	classes := []string{"top", "groupOfNames"}
	if g.GIDNumber > 0 {
		classes = append(classes, "posixGroup")
	}
	as.add("objectClass", append(classes, "dirgateObject")...)
	as.add("cn", g.Name)
	as.number("gidNumber", g.GIDNumber)
	as.add("description", g.Description)
	as.add("dirgateExternalId", g.ExternalID)
	as.flag("dirgateSystem", g.System)
	var members []string
	for _, m := range g.Members {
		if p, ok := s.principalOf(m); ok {
			members = append(members, p.DN)
		}
	}
	if len(members) == 0 {
		as = append(as, attr{name: "member", values: []string{""}})
	} else {
		as.add("member", members...)
	}
	as.operational(g.ID, g.Created, g.Modified)
	return exported{dn: g.DN, attrs: as}
}

// userEntry writes inetOrgPerson, and posixAccount with shadowAccount
// when the user has uidNumber, gidNumber and homeDirectory, which
// posixAccount requires (the core always gives all three). A user with
// only some of them keeps them in dirgateObject, which allows each: the
// entry is schema-valid and nothing is lost.
func userEntry(u *userRec) exported {
	var as attrs
	classes := []string{"top", "inetOrgPerson"}
	posix := u.UIDNumber > 0 && u.GIDNumber > 0 && u.HomeDirectory != ""
	if posix {
		classes = append(classes, "posixAccount", "shadowAccount")
	}
	as.add("objectClass", append(classes, "dirgateObject")...)
	as.add("uid", u.Username)
	as.add("cn", cmpOr(u.DisplayName, u.Username))
	as.add("sn", cmpOr(u.Surname, u.Username))
	as.add("givenName", u.GivenName)
	as.add("displayName", u.DisplayName)
	as.add("mail", u.Mail)
	as.add("telephoneNumber", u.Telephone)
	as.add("mobile", u.Mobile...)
	as.add("title", u.Title)
	as.add("description", u.Description)
	as.number("uidNumber", u.UIDNumber)
	as.number("gidNumber", u.GIDNumber)
	as.add("homeDirectory", u.HomeDirectory)
	if posix {
		as.add("loginShell", "/bin/bash")
	}
	as.add("dirgatePrincipalName", u.UserPrincipalName)
	as.add("dirgateExternalId", u.ExternalID)
	as.flag("dirgateSystem", u.System)
	as.flag("dirgateInvitationPending", u.InvitationPending)
	as.time("dirgateInvitationExpiry", u.InvitationExpiry)
	as.add("userPassword", u.Password)
	// Account state, as the ppolicy overlay keeps it.
	switch {
	case u.Disabled:
		as.add("pwdAccountLockedTime", disabledLockTime)
	case !u.LockedAt.IsZero():
		as.time("pwdAccountLockedTime", u.LockedAt)
	}
	for _, f := range u.Failures {
		as.time("pwdFailureTime", f)
	}
	as.flag("pwdReset", u.MustChange)
	for _, name := range sortedAttrNames(u.Attributes) {
		as.add(name, u.Attributes[name]...)
	}
	as.operational(u.ID, u.Created, u.Modified)
	return exported{dn: u.DN, attrs: as}
}

func cmpOr(v, fallback string) string {
	if strings.TrimSpace(v) == "" {
		return fallback
	}
	return v
}
