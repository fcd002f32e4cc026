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

// mappedSlots are the slots of the model keys the mappings below read,
// resolved through the attribute map at Open.
type mappedSlots struct {
	id            int // attrID
	username      int // attrUsername
	uidNumber     int // attrUIDNumber
	gidNumber     int // attrGIDNumber
	givenName     int // attrGivenName
	surname       int // attrSurname
	displayName   int // attrDisplayName
	mail          int // attrMail
	telephone     int // attrTelephone
	mobile        int // attrMobile
	title         int // attrTitle
	desc          int // attrDesc
	principalName int // attrPrincipalName
	homeDirectory int // attrHomeDirectory
	extID         int // attrExtID
	invitePending int // attrInvitePending
	inviteExpiry  int // attrInviteExpiry
	system        int // attrSystem
	created       int // attrCreated
	modified      int // attrModified
	groupName     int // attrGroupName
	ouName        int // attrOUName
	street        int // attrStreet
	city          int // attrCity
	state         int // attrState
	postalCode    int // attrPostalCode
	country       int // attrCountry
	protected     int // attrProtected
}

// indexAttrs resolves, once at Open, every attribute the mappings read to
// a slot (entryindex.go).
func (d *Directory) indexAttrs() {
	ix := newAttrIndex()
	key := func(k string) int { return ix.add(d.attrs.get(k)) }
	d.slots = mappedSlots{
		id:            key(attrID),
		username:      key(attrUsername),
		uidNumber:     key(attrUIDNumber),
		gidNumber:     key(attrGIDNumber),
		givenName:     key(attrGivenName),
		surname:       key(attrSurname),
		displayName:   key(attrDisplayName),
		mail:          key(attrMail),
		telephone:     key(attrTelephone),
		mobile:        key(attrMobile),
		title:         key(attrTitle),
		desc:          key(attrDesc),
		principalName: key(attrPrincipalName),
		homeDirectory: key(attrHomeDirectory),
		extID:         key(attrExtID),
		invitePending: key(attrInvitePending),
		inviteExpiry:  key(attrInviteExpiry),
		system:        key(attrSystem),
		created:       key(attrCreated),
		modified:      key(attrModified),
		groupName:     key(attrGroupName),
		ouName:        key(attrOUName),
		street:        key(attrStreet),
		city:          key(attrCity),
		state:         key(attrState),
		postalCode:    key(attrPostalCode),
		country:       key(attrCountry),
		protected:     key(attrProtected),
	}
	d.accountSlots = nil
	for _, a := range d.prof.account.attributes() {
		d.accountSlots = append(d.accountSlots, ix.add(a))
	}
	d.otherMobileSlot = ix.add(d.prof.quirks.otherMobile)
	d.extraSlots = nil
	for _, a := range d.extra {
		d.extraSlots = append(d.extraSlots, ix.add(a))
	}
	d.ix = ix
}

// Reads of an indexed entry, as val, vals, boolVal, numVal and timeVal.

func (v *entryView) boolean(slot int) bool {
	return strings.EqualFold(v.first(slot), "TRUE")
}

func (v *entryView) number(slot int) int64 {
	n, _ := strconv.ParseInt(v.first(slot), 10, 64)
	return n
}

func (v *entryView) timestamp(slot int) time.Time {
	s := v.first(slot)
	if s == "" {
		return time.Time{}
	}
	t, err := parseGeneralizedTime(s)
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

// parseGeneralizedTime is ber.ParseGeneralizedTime, the form servers write
// (YYYYMMDDHHMMSSZ, where it is time.Parse of 20060102150405Z) without
// time.Parse: two per user were a tenth of the mapping's cost.
func parseGeneralizedTime(s string) (time.Time, error) {
	if len(s) != 15 || s[14] != 'Z' {
		return ber.ParseGeneralizedTime([]byte(s))
	}
	var n [6]int // year, month, day, hour, minute, second
	for i := 0; i < 14; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return ber.ParseGeneralizedTime([]byte(s))
		}
		k := 0
		if i >= 4 {
			k = (i-4)/2 + 1
		}
		n[k] = n[k]*10 + int(c-'0')
	}
	year, month, day, hour, minute, sec := n[0], n[1], n[2], n[3], n[4], n[5]
	if month < 1 || month > 12 || day < 1 || day > daysIn(time.Month(month), year) ||
		hour > 23 || minute > 59 || sec > 59 {
		return ber.ParseGeneralizedTime([]byte(s)) // time.Parse's error
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC), nil
}

// daysIn is the number of days in a month of a (proleptic Gregorian) year.
func daysIn(m time.Month, year int) int {
	if m == time.February {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 30 + int((m+m/8)%2)
}

// vID is id on an indexed entry.
func (d *Directory) vID(v *entryView) string {
	if _, ok := d.prof.ids.(uuidText); ok {
		return strings.ToLower(v.first(d.slots.id))
	}
	return d.prof.ids.decode(v.e, d.attrs.get(attrID))
}

// toUser maps a user entry.
func (d *Directory) toUser(e *ldap.Entry) directory.User {
	var v entryView
	d.ix.view(e, &v)
	u := directory.User{
		ID:                d.vID(&v),
		DN:                e.DN,
		Username:          v.first(d.slots.username),
		UIDNumber:         v.number(d.slots.uidNumber),
		GIDNumber:         v.number(d.slots.gidNumber),
		GivenName:         v.first(d.slots.givenName),
		Surname:           v.first(d.slots.surname),
		DisplayName:       v.first(d.slots.displayName),
		Mail:              v.first(d.slots.mail),
		Telephone:         v.first(d.slots.telephone),
		Mobile:            v.vals(d.slots.mobile),
		Title:             v.first(d.slots.title),
		Description:       v.first(d.slots.desc),
		UserPrincipalName: v.first(d.slots.principalName),
		HomeDirectory:     v.first(d.slots.homeDirectory),
		ExternalID:        v.first(d.slots.extID),
		InvitationPending: v.boolean(d.slots.invitePending),
		InvitationExpiry:  v.timestamp(d.slots.inviteExpiry),
		System:            v.boolean(d.slots.system),
		Created:           v.timestamp(d.slots.created),
		Modified:          v.timestamp(d.slots.modified),
	}
	// sn is mandatory in inetOrgPerson: a user created without a surname
	// stores the username there (ldap-layout.md), which is not a surname.
	if u.Surname == u.Username && !d.prof.quirks.optionalNames {
		u.Surname = ""
	}
	if d.prof.quirks.otherMobile != "" {
		u.Mobile = append(u.Mobile, v.vals(d.otherMobileSlot)...)
	}
	if len(u.Mobile) == 0 {
		u.Mobile = nil
	}
	for i, a := range d.extra {
		if vs := v.vals(d.extraSlots[i]); len(vs) > 0 {
			if u.Attributes == nil {
				u.Attributes = map[string][]string{}
			}
			u.Attributes[a] = vs
		}
	}
	if pp, ok := d.prof.account.(*ppolicy); ok {
		pp.stateView(&v, d.accountSlots, &u, d.now())
	} else {
		// A copy, so that only this path moves a user to the heap.
		acct := u
		d.prof.account.state(e, &acct, d.now())
		u = acct
	}
	return u
}

// toGroup maps a group entry.
func (d *Directory) toGroup(e *ldap.Entry) directory.Group {
	var v entryView
	d.ix.view(e, &v)
	return directory.Group{
		ID:          d.vID(&v),
		DN:          e.DN,
		Name:        v.first(d.slots.groupName),
		GIDNumber:   v.number(d.slots.gidNumber),
		Description: v.first(d.slots.desc),
		ExternalID:  v.first(d.slots.extID),
		System:      v.boolean(d.slots.system),
		Created:     v.timestamp(d.slots.created),
		Modified:    v.timestamp(d.slots.modified),
	}
}

// toOU maps an OU entry.
func (d *Directory) toOU(e *ldap.Entry) directory.OU {
	var v entryView
	d.ix.view(e, &v)
	return directory.OU{
		ID:          d.vID(&v),
		DN:          e.DN,
		Name:        v.first(d.slots.ouName),
		Description: v.first(d.slots.desc),
		Street:      v.first(d.slots.street),
		City:        v.first(d.slots.city),
		State:       v.first(d.slots.state),
		PostalCode:  v.first(d.slots.postalCode),
		Country:     v.first(d.slots.country),
		Protected:   v.boolean(d.slots.protected) || (d.prof.ouProtection != nil && d.prof.ouProtection.protected(e)),
		Created:     v.timestamp(d.slots.created),
		Modified:    v.timestamp(d.slots.modified),
	}
}

// entryType classifies an entry by its object classes.
func (d *Directory) entryType(e *ldap.Entry) directory.EntryType {
	switch {
	case hasClass(e, d.userClass) && (d.prof.quirks.notUser == "" || !hasClass(e, d.prof.quirks.notUser)):
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
	if d.prof.quirks.timeFormat != "" {
		return t.UTC().Format(d.prof.quirks.timeFormat)
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
