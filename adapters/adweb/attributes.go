package adweb

import (
	"errors"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// customAttributes are the `customAttributes` object of createuser and
// updateuser, split into the fields of dirgate's model and the extra
// attributes that go to the backend's allow-list.
type customAttributes struct {
	// fields holds the model fields named by their AD attribute name (mail,
	// givenName ...): they behave the same on every backend.
	fields map[modelField][]string
	// extra holds every other attribute, by the name the client used. The
	// core refuses the ones that grant power or are not allow-listed.
	extra map[string][]string
	// given lists the names as the client spelled them, to recognise the
	// core's refusal of one of them.
	given []string
}

// modelField is a field of directory.User settable through
// customAttributes.
type modelField int

const (
	fieldGivenName modelField = iota + 1
	fieldSurname
	fieldDisplayName
	fieldMail
	fieldTelephone
	fieldMobile
	fieldTitle
	fieldDescription
	fieldUserPrincipalName
)

// modelAttributes maps AD (and inetOrgPerson) attribute names, lower case,
// to model fields.
var modelAttributes = map[string]modelField{
	"givenname":         fieldGivenName,
	"sn":                fieldSurname,
	"surname":           fieldSurname,
	"displayname":       fieldDisplayName,
	"mail":              fieldMail,
	"emailaddress":      fieldMail,
	"telephonenumber":   fieldTelephone,
	"mobile":            fieldMobile,
	"title":             fieldTitle,
	"description":       fieldDescription,
	"userprincipalname": fieldUserPrincipalName,
}

// maxAttributes bounds one request's customAttributes.
const maxAttributes = 64

// readCustomAttributes reads the customAttributes object. A value is a
// string, a list of strings, or null / "" (remove, on update).
func readCustomAttributes(o *object) (customAttributes, error) {
	ca := customAttributes{fields: map[modelField][]string{}, extra: map[string][]string{}}
	if o == nil {
		return ca, nil
	}
	if len(o.order) > maxAttributes {
		return ca, badRequest(codeInvalidField, "customAttributes: at most %d attributes per request", maxAttributes)
	}
	err := o.each(func(name string, v any) error {
		field := "customAttributes." + name
		if !validAttributeName(name) {
			return badRequest(codeAttributeRefused, "%s is not an attribute name", quote(name))
		}
		values, err := attributeValues(field, v)
		if err != nil {
			return err
		}
		ca.given = append(ca.given, name)
		if f, ok := modelAttributes[strings.ToLower(name)]; ok {
			if f != fieldMobile && len(values) > 1 {
				return badRequest(codeInvalidField, "%s takes one value", field)
			}
			ca.fields[f] = values
			return nil
		}
		ca.extra[name] = values
		return nil
	})
	return ca, err
}

// validAttributeName: an LDAP attribute description (RFC 4512: a letter,
// then letters, digits and hyphens; options after ";"). Anything else is
// refused here, by name, before it gets near a backend.
func validAttributeName(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-' || r == ';'):
		default:
			return false
		}
	}
	return true
}

func attributeValues(field string, v any) ([]string, error) {
	switch t := v.(type) {
	case nil:
		return []string{}, nil
	case []any:
		out := make([]string, 0, len(t))
		for _, e := range t {
			s, err := asText(field, e)
			if err != nil {
				return nil, err
			}
			if s != "" {
				out = append(out, s)
			}
		}
		return out, nil
	default:
		s, err := asText(field, v)
		if err != nil {
			return nil, err
		}
		if s == "" {
			return []string{}, nil
		}
		return []string{s}, nil
	}
}

// first is the single value of a field, "" when removed.
func first(values []string) string {
	if len(values) == 0 {
		return ""
	}
	return values[0]
}

// applyToNewUser sets the attributes on a user to create; empty values
// are simply not set.
func (ca customAttributes) applyToNewUser(u *directory.NewUser) {
	for f, values := range ca.fields {
		v := first(values)
		switch f {
		case fieldGivenName:
			u.GivenName = v
		case fieldSurname:
			u.Surname = v
		case fieldDisplayName:
			u.DisplayName = v
		case fieldMail:
			u.Mail = v
		case fieldTelephone:
			u.Telephone = v
		case fieldMobile:
			u.Mobile = values
		case fieldTitle:
			u.Title = v
		case fieldDescription:
			u.Description = v
		case fieldUserPrincipalName:
			if u.UserPrincipalName == "" {
				u.UserPrincipalName = v
			}
		}
	}
	for name, values := range ca.extra {
		if len(values) == 0 {
			continue
		}
		if u.Attributes == nil {
			u.Attributes = map[string][]string{}
		}
		u.Attributes[name] = values
	}
}

// applyToPatch sets the attributes on a patch; an empty value removes the
// attribute.
func (ca customAttributes) applyToPatch(p *directory.UserPatch) {
	for f, values := range ca.fields {
		v := directory.Ptr(first(values))
		switch f {
		case fieldGivenName:
			p.GivenName = v
		case fieldSurname:
			p.Surname = v
		case fieldDisplayName:
			p.DisplayName = v
		case fieldMail:
			p.Mail = v
		case fieldTelephone:
			p.Telephone = v
		case fieldMobile:
			p.Mobile = directory.Ptr(values)
		case fieldTitle:
			p.Title = v
		case fieldDescription:
			p.Description = v
		case fieldUserPrincipalName:
			if p.UserPrincipalName == nil {
				p.UserPrincipalName = v
			}
		}
	}
	for name, values := range ca.extra {
		if p.Attributes == nil {
			p.Attributes = map[string][]string{}
		}
		p.Attributes[name] = values
	}
}

// refusal turns the core's refusal of one of the custom attributes into an
// answer that names it; other errors pass through.
func (ca customAttributes) refusal(err error) error {
	var ve *identity.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	for _, name := range ca.given {
		if strings.EqualFold(ve.Field, name) {
			return badRequest(codeAttributeRefused, "customAttributes: %s: %s", name, ve.Message)
		}
	}
	return err
}
