package scim

import "github.com/dirgate/dirgate/pkg/directory"

// The attribute map, User: what each attribute path of the User schema
// (and its Enterprise extension) is in the directory's model. The model's
// fields are mapped to LDAP by each backend's profile (docs/dialects/scim.md
// lists both profiles); Enterprise attributes are extra attributes whose
// names userSchema picks from the backend's allow-list.
func (s *userSchema) resolve(ns, attr, sub string) (target, bool) {
	str := func(f directory.Field) (target, bool) { return target{field: f, kind: directory.KindString}, true }
	if ns == "enterprise" {
		name := s.enterpriseAttribute(attr)
		if name == "" {
			return target{}, false
		}
		if attr == "manager" {
			if sub != "" && sub != "value" {
				return target{}, false
			}
			return target{field: directory.AttributeField(name), kind: directory.KindString, manager: true}, true
		}
		if sub != "" {
			return target{}, false
		}
		return str(directory.AttributeField(name))
	}
	key := attr + "." + sub
	if t, ok := resolveCommon(key); ok {
		return t, true
	}
	switch key {
	case "username.":
		return str(directory.FieldUsername)
	case "displayname.":
		return str(directory.FieldDisplayName)
	case "title.":
		return str(directory.FieldTitle)
	case "name.givenname":
		return str(directory.FieldGivenName)
	case "name.familyname":
		return str(directory.FieldSurname)
	case "active.":
		return target{field: directory.FieldEnabled, kind: directory.KindBool}, true
	}
	switch attr {
	case "emails":
		return multi(emailElements, sub)
	case "phonenumbers":
		return multi(phoneElements, sub)
	}
	return target{}, false
}

func multi(elems []element, sub string) (target, bool) {
	switch sub {
	case "":
		sub = "value"
	case "value", "type", "primary":
	default:
		return target{}, false
	}
	return target{elems: elems, sub: sub}, true
}

// resolveCommon maps the attributes every resource has (RFC 7643 section
// 3.1), by "attribute.sub-attribute".
func resolveCommon(key string) (target, bool) {
	switch key {
	case "id.":
		return target{field: directory.FieldID, kind: directory.KindString, equalityOnly: true}, true
	case "externalid.":
		return target{field: directory.FieldExternalID, kind: directory.KindString}, true
	case "meta.created":
		return target{field: directory.FieldCreated, kind: directory.KindTime}, true
	case "meta.lastmodified":
		return target{field: directory.FieldModified, kind: directory.KindTime}, true
	}
	return target{}, false
}

// The attribute map, Group.
func resolveGroup(ns, attr, sub string) (target, bool) {
	if ns != "" {
		return target{}, false
	}
	key := attr + "." + sub
	if t, ok := resolveCommon(key); ok {
		return t, true
	}
	switch key {
	case "displayname.":
		return target{field: directory.FieldName, kind: directory.KindString}, true
	case "members.", "members.value":
		return target{field: directory.FieldID, members: true}, true
	}
	return target{}, false
}

// sortField is the field sortBy names: a single-valued attribute, or the
// value of a multi-valued one's primary element (RFC 7644 section
// 3.4.2.3).
func sortField(t target) (directory.Field, bool) {
	switch {
	case t.manager, t.members:
		return "", false
	case t.elems != nil:
		if t.sub != "value" {
			return "", false
		}
		return t.elems[0].field, true
	}
	return t.field, true
}
