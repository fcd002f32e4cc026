package embedded

import (
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// field reads one searchable field of a record of type R. One reader is
// set, after the field's kind.
type field[R any] struct {
	kind directory.Kind
	// one returns a single-valued text field ("" when absent); it spares
	// the allocation of a slice per record and search.
	one func(R) string
	// text returns the values of a multi-valued text field.
	text func(R) []string
	// number returns a number; 0 is absent.
	number func(R) int64
	// flag returns a boolean at a time (a lock ends by itself).
	flag func(R, time.Time) bool
	// when returns a time; zero is absent.
	when func(R) time.Time
}

func textField[R any](f func(R) string) field[R] {
	return field[R]{kind: directory.KindString, one: f}
}

// eachText calls fn with every value of a text field until it returns
// true, and reports whether one did.
func (fl field[R]) eachText(r R, fn func(string) bool) bool {
	if fl.one != nil {
		v := fl.one(r)
		return v != "" && fn(v)
	}
	for _, v := range fl.text(r) {
		if v != "" && fn(v) {
			return true
		}
	}
	return false
}

// userFields are the user fields searches and sorts can use, besides the
// extra attributes.
func (d *Directory) userFields() map[directory.Field]field[*userRec] {
	return map[directory.Field]field[*userRec]{
		directory.FieldID:                textField(func(u *userRec) string { return u.ID }),
		directory.FieldDN:                textField(func(u *userRec) string { return normDN(u.DN) }),
		directory.FieldUsername:          textField(func(u *userRec) string { return u.Username }),
		directory.FieldUIDNumber:         {kind: directory.KindNumber, number: func(u *userRec) int64 { return u.UIDNumber }},
		directory.FieldGIDNumber:         {kind: directory.KindNumber, number: func(u *userRec) int64 { return u.GIDNumber }},
		directory.FieldGivenName:         textField(func(u *userRec) string { return u.GivenName }),
		directory.FieldSurname:           textField(func(u *userRec) string { return u.Surname }),
		directory.FieldDisplayName:       textField(func(u *userRec) string { return u.DisplayName }),
		directory.FieldMail:              textField(func(u *userRec) string { return u.Mail }),
		directory.FieldTelephone:         textField(func(u *userRec) string { return u.Telephone }),
		directory.FieldMobile:            {kind: directory.KindString, text: func(u *userRec) []string { return u.Mobile }},
		directory.FieldTitle:             textField(func(u *userRec) string { return u.Title }),
		directory.FieldDescription:       textField(func(u *userRec) string { return u.Description }),
		directory.FieldUserPrincipalName: textField(func(u *userRec) string { return u.UserPrincipalName }),
		directory.FieldHomeDirectory:     textField(func(u *userRec) string { return u.HomeDirectory }),
		directory.FieldExternalID:        textField(func(u *userRec) string { return u.ExternalID }),
		directory.FieldEnabled:           {kind: directory.KindBool, flag: func(u *userRec, _ time.Time) bool { return !u.Disabled }},
		directory.FieldLocked: {kind: directory.KindBool, flag: func(u *userRec, now time.Time) bool {
			return u.lockState(now, d.lockout.duration).Locked
		}},
		directory.FieldMustChange:        {kind: directory.KindBool, flag: func(u *userRec, _ time.Time) bool { return u.MustChange }},
		directory.FieldInvitationPending: {kind: directory.KindBool, flag: func(u *userRec, _ time.Time) bool { return u.InvitationPending }},
		directory.FieldSystem:            {kind: directory.KindBool, flag: func(u *userRec, _ time.Time) bool { return u.System }},
		directory.FieldCreated:           {kind: directory.KindTime, when: func(u *userRec) time.Time { return u.Created }},
		directory.FieldModified:          {kind: directory.KindTime, when: func(u *userRec) time.Time { return u.Modified }},
	}
}

// userField finds a user field, extra attributes included.
func (d *Directory) userField(fields map[directory.Field]field[*userRec], f directory.Field) (field[*userRec], bool) {
	if attr, ok := f.Attribute(); ok {
		canon, ok := d.extra[fold(attr)]
		if !ok {
			return field[*userRec]{}, false
		}
		return field[*userRec]{kind: directory.KindString, text: func(u *userRec) []string { return u.Attributes[canon] }}, true
	}
	fl, ok := fields[f]
	return fl, ok
}

// groupFields are the group fields searches and sorts can use.
var groupFields = map[directory.Field]field[*groupRec]{
	directory.FieldID:          textField(func(g *groupRec) string { return g.ID }),
	directory.FieldDN:          textField(func(g *groupRec) string { return normDN(g.DN) }),
	directory.FieldName:        textField(func(g *groupRec) string { return g.Name }),
	directory.FieldGIDNumber:   {kind: directory.KindNumber, number: func(g *groupRec) int64 { return g.GIDNumber }},
	directory.FieldDescription: textField(func(g *groupRec) string { return g.Description }),
	directory.FieldExternalID:  textField(func(g *groupRec) string { return g.ExternalID }),
	directory.FieldSystem:      {kind: directory.KindBool, flag: func(g *groupRec, _ time.Time) bool { return g.System }},
	directory.FieldCreated:     {kind: directory.KindTime, when: func(g *groupRec) time.Time { return g.Created }},
	directory.FieldModified:    {kind: directory.KindTime, when: func(g *groupRec) time.Time { return g.Modified }},
}
