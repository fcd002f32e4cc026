package privacyidea

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// defaultAttributes is the attribute map of a resolver that configures
// none: the keys of the seed's example entry, on their usual fields.
var defaultAttributes = map[string]string{
	"username":    string(directory.FieldUsername),
	"givenname":   string(directory.FieldGivenName),
	"surname":     string(directory.FieldSurname),
	"email":       string(directory.FieldMail),
	"phone":       string(directory.FieldTelephone),
	"mobile":      string(directory.FieldMobile),
	"description": string(directory.FieldDescription),
}

// mappableFields are the user fields a privacyIDEA key may stand for:
// profile data only. Numbers, ids, DNs and account state are dirgate's or
// the directory's to manage.
var mappableFields = []directory.Field{
	directory.FieldGivenName, directory.FieldSurname, directory.FieldDisplayName, directory.FieldMail,
	directory.FieldTelephone, directory.FieldMobile, directory.FieldTitle, directory.FieldDescription,
	directory.FieldUserPrincipalName, directory.FieldExternalID,
}

// reservedKeys have a meaning of their own on the wire and cannot name a
// mapped attribute.
var reservedKeys = []string{
	"userid", "user", "resolver", "realm", "editable", "password", "attributes", "include_custom_attributes",
}

// attribute is one privacyIDEA key and the user field it stands for.
type attribute struct {
	key   string
	field directory.Field
}

// multiValued: privacyIDEA shows mobile as a list (the LDAP resolver's
// default multivalue attribute); every other key is a string.
func (a attribute) multiValued() bool { return a.field == directory.FieldMobile }

// compileAttributes merges a resolver's attribute map over the default
// (a key mapped to "" is removed), checks it and orders it by key; the
// username must stay mapped to the username.
func compileAttributes(overrides map[string]string) ([]attribute, error) {
	m := maps.Clone(defaultAttributes)
	for key, name := range overrides {
		key = strings.ToLower(strings.TrimSpace(key))
		if strings.TrimSpace(name) == "" {
			delete(m, key)
			continue
		}
		m[key] = strings.TrimSpace(name)
	}
	var errs []error
	attrs := make([]attribute, 0, len(m))
	for key, name := range m {
		field, err := parseField(key, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		attrs = append(attrs, attribute{key: key, field: field})
	}
	if !slices.ContainsFunc(attrs, func(a attribute) bool { return a.key == "username" }) {
		errs = append(errs, errors.New(`attributes: "username" must be mapped to username`))
	}
	sort.Slice(attrs, func(i, j int) bool { return attrs[i].key < attrs[j].key })
	return attrs, errors.Join(errs...)
}

func parseField(key, name string) (directory.Field, error) {
	switch {
	case key == "":
		return "", errors.New("attributes: an empty key")
	case slices.Contains(reservedKeys, key):
		return "", fmt.Errorf("attributes: %q is reserved by the privacyIDEA API", key)
	case key == "username":
		if !strings.EqualFold(name, string(directory.FieldUsername)) {
			return "", fmt.Errorf(`attributes: "username" must be mapped to username, not %q`, name)
		}
		return directory.FieldUsername, nil
	}
	if attr, ok := directory.Field(name).Attribute(); ok {
		if attr == "" || identity.IsPowerAttribute(attr) {
			return "", fmt.Errorf("attributes: %q cannot be mapped to the attribute %q", key, attr)
		}
		return directory.AttributeField(attr), nil
	}
	for _, f := range mappableFields {
		if strings.EqualFold(string(f), name) {
			return f, nil
		}
	}
	return "", fmt.Errorf("attributes: %q maps to %q, which is not one of %s or attr:<name>", key, name, fieldList())
}

func fieldList() string {
	names := make([]string, len(mappableFields))
	for i, f := range mappableFields {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// valueOf reads the field of a user: a string, or a list for mobile.
func (a attribute) valueOf(u *directory.User) any {
	if a.multiValued() {
		return nonNil(u.Mobile)
	}
	return stringOf(u, a.field)
}

// stringsOf reads every value of the field, for matching wildcards.
func (a attribute) stringsOf(u *directory.User) []string {
	if a.multiValued() {
		return u.Mobile
	}
	if attr, ok := a.field.Attribute(); ok {
		return u.Attributes[attr]
	}
	return []string{stringOf(u, a.field)}
}

func stringOf(u *directory.User, f directory.Field) string {
	if attr, ok := f.Attribute(); ok {
		if vs := u.Attributes[attr]; len(vs) > 0 {
			return vs[0]
		}
		return ""
	}
	switch f {
	case directory.FieldUsername:
		return u.Username
	case directory.FieldGivenName:
		return u.GivenName
	case directory.FieldSurname:
		return u.Surname
	case directory.FieldDisplayName:
		return u.DisplayName
	case directory.FieldMail:
		return u.Mail
	case directory.FieldTelephone:
		return u.Telephone
	case directory.FieldTitle:
		return u.Title
	case directory.FieldDescription:
		return u.Description
	case directory.FieldUserPrincipalName:
		return u.UserPrincipalName
	case directory.FieldExternalID:
		return u.ExternalID
	}
	return ""
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// setNew writes values into a new user (not the username, which is the
// "user" parameter).
func (a attribute) setNew(u *directory.NewUser, values []string) {
	if attr, ok := a.field.Attribute(); ok {
		if u.Attributes == nil {
			u.Attributes = map[string][]string{}
		}
		u.Attributes[attr] = values
		return
	}
	if a.multiValued() {
		u.Mobile = values
		return
	}
	if p := newUserString(u, a.field); p != nil {
		*p = values[0]
	}
}

func newUserString(u *directory.NewUser, f directory.Field) *string {
	switch f {
	case directory.FieldGivenName:
		return &u.GivenName
	case directory.FieldSurname:
		return &u.Surname
	case directory.FieldDisplayName:
		return &u.DisplayName
	case directory.FieldMail:
		return &u.Mail
	case directory.FieldTelephone:
		return &u.Telephone
	case directory.FieldTitle:
		return &u.Title
	case directory.FieldDescription:
		return &u.Description
	case directory.FieldUserPrincipalName:
		return &u.UserPrincipalName
	case directory.FieldExternalID:
		return &u.ExternalID
	}
	return nil
}

// setPatch writes values into a patch.
func (a attribute) setPatch(p *directory.UserPatch, values []string) {
	if attr, ok := a.field.Attribute(); ok {
		if p.Attributes == nil {
			p.Attributes = map[string][]string{}
		}
		p.Attributes[attr] = values
		return
	}
	if a.multiValued() {
		p.Mobile = &values
		return
	}
	v := values[0]
	switch a.field {
	case directory.FieldGivenName:
		p.GivenName = &v
	case directory.FieldSurname:
		p.Surname = &v
	case directory.FieldDisplayName:
		p.DisplayName = &v
	case directory.FieldMail:
		p.Mail = &v
	case directory.FieldTelephone:
		p.Telephone = &v
	case directory.FieldTitle:
		p.Title = &v
	case directory.FieldDescription:
		p.Description = &v
	case directory.FieldUserPrincipalName:
		p.UserPrincipalName = &v
	case directory.FieldExternalID:
		p.ExternalID = &v
	}
}
