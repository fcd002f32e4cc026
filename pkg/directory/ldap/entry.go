package ldap

import (
	"slices"
	"strconv"
	"strings"
	"time"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Reading entries into the model. Attribute names are matched without
// regard to case: servers answer with the schema's spelling, the
// configuration may use another.

// val returns the first value of the attribute a model key maps to.
func (d *Directory) val(e *ldap.Entry, key string) string {
	a := d.attrs.get(key)
	if a == "" {
		return ""
	}
	return e.GetEqualFoldAttributeValue(a)
}

func (d *Directory) vals(e *ldap.Entry, key string) []string {
	a := d.attrs.get(key)
	if a == "" {
		return nil
	}
	return e.GetEqualFoldAttributeValues(a)
}

func (d *Directory) boolVal(e *ldap.Entry, key string) bool {
	return strings.EqualFold(d.val(e, key), "TRUE")
}

func (d *Directory) numVal(e *ldap.Entry, key string) int64 {
	n, _ := strconv.ParseInt(d.val(e, key), 10, 64)
	return n
}

func (d *Directory) timeVal(e *ldap.Entry, key string) time.Time {
	v := d.val(e, key)
	if v == "" {
		return time.Time{}
	}
	t, err := ber.ParseGeneralizedTime([]byte(v))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func (d *Directory) id(e *ldap.Entry) string { return d.prof.ids.decode(e, d.attrs.get(attrID)) }

// hasClass reports whether an entry carries an object class.
func hasClass(e *ldap.Entry, class string) bool {
	return slices.ContainsFunc(e.GetEqualFoldAttributeValues("objectClass"), func(c string) bool {
		return strings.EqualFold(c, class)
	})
}

// toUser maps a user entry.
func (d *Directory) toUser(e *ldap.Entry) directory.User {
	u := directory.User{
		ID:                d.id(e),
		DN:                e.DN,
		Username:          d.val(e, attrUsername),
		UIDNumber:         d.numVal(e, attrUIDNumber),
		GIDNumber:         d.numVal(e, attrGIDNumber),
		GivenName:         d.val(e, attrGivenName),
		Surname:           d.val(e, attrSurname),
		DisplayName:       d.val(e, attrDisplayName),
		Mail:              d.val(e, attrMail),
		Telephone:         d.val(e, attrTelephone),
		Mobile:            d.vals(e, attrMobile),
		Title:             d.val(e, attrTitle),
		Description:       d.val(e, attrDesc),
		UserPrincipalName: d.val(e, attrPrincipalName),
		HomeDirectory:     d.val(e, attrHomeDirectory),
		ExternalID:        d.val(e, attrExtID),
		InvitationPending: d.boolVal(e, attrInvitePending),
		InvitationExpiry:  d.timeVal(e, attrInviteExpiry),
		System:            d.boolVal(e, attrSystem),
		Created:           d.timeVal(e, attrCreated),
		Modified:          d.timeVal(e, attrModified),
	}
	// sn is mandatory in inetOrgPerson: a user created without a surname
	// stores the username there (ldap-layout.md), which is not a surname.
	if u.Surname == u.Username && !d.prof.optionalNames {
		u.Surname = ""
	}
	if d.prof.otherMobile != "" {
		u.Mobile = append(u.Mobile, e.GetEqualFoldAttributeValues(d.prof.otherMobile)...)
	}
	if len(u.Mobile) == 0 {
		u.Mobile = nil
	}
	for _, a := range d.extra {
		if v := e.GetEqualFoldAttributeValues(a); len(v) > 0 {
			if u.Attributes == nil {
				u.Attributes = map[string][]string{}
			}
			u.Attributes[a] = v
		}
	}
	d.prof.account.state(e, &u, d.now())
	return u
}

// toGroup maps a group entry.
func (d *Directory) toGroup(e *ldap.Entry) directory.Group {
	return directory.Group{
		ID:          d.id(e),
		DN:          e.DN,
		Name:        d.val(e, attrGroupName),
		GIDNumber:   d.numVal(e, attrGIDNumber),
		Description: d.val(e, attrDesc),
		ExternalID:  d.val(e, attrExtID),
		System:      d.boolVal(e, attrSystem),
		Created:     d.timeVal(e, attrCreated),
		Modified:    d.timeVal(e, attrModified),
	}
}

// toOU maps an OU entry.
func (d *Directory) toOU(e *ldap.Entry) directory.OU {
	return directory.OU{
		ID:          d.id(e),
		DN:          e.DN,
		Name:        d.val(e, attrOUName),
		Description: d.val(e, attrDesc),
		Street:      d.val(e, attrStreet),
		City:        d.val(e, attrCity),
		State:       d.val(e, attrState),
		PostalCode:  d.val(e, attrPostalCode),
		Country:     d.val(e, attrCountry),
		Protected:   d.ouProtected(e),
		Created:     d.timeVal(e, attrCreated),
		Modified:    d.timeVal(e, attrModified),
	}
}

// entryType classifies an entry by its object classes.
func (d *Directory) entryType(e *ldap.Entry) directory.EntryType {
	switch {
	case hasClass(e, d.userClass) && (d.prof.notUser == "" || !hasClass(e, d.prof.notUser)):
		return directory.EntryUser
	case d.isGroup(e):
		return directory.EntryGroup
	case hasClass(e, d.ouClass):
		return directory.EntryOU
	}
	return directory.EntryOther
}

// isGroup reports whether an entry read with its classes has a group's.
func (d *Directory) isGroup(e *ldap.Entry) bool {
	return slices.ContainsFunc(d.groupClasses, func(c string) bool { return hasClass(e, c) })
}

// toEntry maps any entry to its type, id, DN and name.
func (d *Directory) toEntry(e *ldap.Entry) directory.Entry {
	out := directory.Entry{Type: d.entryType(e), ID: d.id(e), DN: e.DN}
	switch out.Type {
	case directory.EntryUser:
		out.Name = d.val(e, attrUsername)
	case directory.EntryGroup:
		out.Name = d.val(e, attrGroupName)
	case directory.EntryOU:
		out.Name = d.val(e, attrOUName)
	}
	if out.Name == "" {
		out.Name, _ = directory.FirstRDNValue(e.DN)
	}
	return out
}

// toPrincipal maps a user or group entry to a principal.
func (d *Directory) toPrincipal(e *ldap.Entry) (directory.Principal, bool) {
	switch d.entryType(e) {
	case directory.EntryUser:
		name := d.val(e, attrUsername)
		return directory.Principal{Type: directory.PrincipalUser, ID: d.id(e), DN: e.DN, Name: name,
			DisplayName: d.val(e, attrDisplayName), System: d.boolVal(e, attrSystem)}, true
	case directory.EntryGroup:
		name := d.val(e, attrGroupName)
		return directory.Principal{Type: directory.PrincipalGroup, ID: d.id(e), DN: e.DN, Name: name,
			DisplayName: name, System: d.boolVal(e, attrSystem)}, true
	}
	return directory.Principal{}, false
}

// principalAttrs are what toPrincipal reads.
func (d *Directory) principalAttrs() []string {
	out := []string{"objectClass"}
	for _, k := range []string{attrID, attrUsername, attrGroupName, attrDisplayName, attrSystem} {
		if a := d.attrs.get(k); a != "" && !slices.ContainsFunc(out, func(s string) bool { return strings.EqualFold(s, a) }) {
			out = append(out, a)
		}
	}
	return out
}

// genTime renders a time for an LDAP GeneralizedTime attribute.
func genTime(t time.Time) string { return t.UTC().Format(generalizedTime) }

// timeValue renders a time for a GeneralizedTime attribute in the form the
// server takes.
func (d *Directory) timeValue(t time.Time) string {
	if d.prof.timeFormat != "" {
		return t.UTC().Format(d.prof.timeFormat)
	}
	return genTime(t)
}

// ldapBool renders a boolean as LDAP's Boolean syntax.
func ldapBool(b bool) string {
	if b {
		return "TRUE"
	}
	return "FALSE"
}
