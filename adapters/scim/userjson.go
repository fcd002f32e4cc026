package scim

import (
	"encoding/json"
	"strconv"
)

// A User resource is written by appending, member by member, exactly as
// json.Marshal writes a *userResource (same members, same order, same
// omissions, same escaping: any string json.Marshal would escape is
// handed to it). Why by hand: in the load tool's listing of 100,000
// users in pages of 1,000, json.Marshal of the page was 17 % of dirgate's
// CPU and a quarter of its allocations (reflection over a []any of
// resources, a growing bytes.Buffer per page); see docs/benchmarks.md,
// SCIM, and BenchmarkPage. TestUserJSONIsMarshal compares the two on
// every shape of resource.

// appendUser appends res as json.Marshal(res) writes it.
func appendUser(b []byte, res *userResource) []byte {
	b = append(b, `{"schemas":`...)
	b = appendStrings(b, res.Schemas)
	b = append(b, `,"id":`...)
	b = appendString(b, res.ID)
	b = appendMember(b, 0, "externalId", res.ExternalID)
	b = append(b, `,"userName":`...)
	b = appendString(b, res.UserName)
	if n := res.Name; n != nil {
		b = append(b, `,"name":{`...)
		mark := len(b)
		b = appendMember(b, mark, "formatted", n.Formatted)
		b = appendMember(b, mark, "givenName", n.GivenName)
		b = appendMember(b, mark, "familyName", n.FamilyName)
		b = append(b, '}')
	}
	b = appendMember(b, 0, "displayName", res.DisplayName)
	b = appendMember(b, 0, "title", res.Title)
	b = append(b, `,"active":`...)
	b = strconv.AppendBool(b, res.Active)
	if len(res.Emails) > 0 {
		b = append(b, `,"emails":`...)
		b = appendMultiValues(b, res.Emails)
	}
	if len(res.PhoneNumbers) > 0 {
		b = append(b, `,"phoneNumbers":`...)
		b = appendMultiValues(b, res.PhoneNumbers)
	}
	if len(res.Groups) > 0 {
		b = append(b, `,"groups":[`...)
		for i, g := range res.Groups {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"value":`...)
			b = appendString(b, g.Value)
			b = appendMember(b, 0, "$ref", g.Ref)
			b = appendMember(b, 0, "display", g.Display)
			b = appendMember(b, 0, "type", g.Type)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if e := res.Enterprise; e != nil {
		b = append(b, `,"`+urnEnterprise+`":{`...)
		mark := len(b)
		b = appendMember(b, mark, "employeeNumber", e.EmployeeNumber)
		b = appendMember(b, mark, "department", e.Department)
		b = appendMember(b, mark, "organization", e.Organization)
		if m := e.Manager; m != nil {
			if len(b) > mark {
				b = append(b, ',')
			}
			b = append(b, `"manager":{"value":`...)
			b = appendString(b, m.Value)
			b = appendMember(b, 0, "$ref", m.Ref)
			b = appendMember(b, 0, "displayName", m.DisplayName)
			b = append(b, '}')
		}
		b = append(b, '}')
	}
	m := &res.Meta
	b = append(b, `,"meta":{"resourceType":`...)
	b = appendString(b, m.ResourceType)
	b = appendMember(b, 0, "created", m.Created)
	b = appendMember(b, 0, "lastModified", m.LastModified)
	b = append(b, `,"location":`...)
	b = appendString(b, m.Location)
	b = append(b, `,"version":`...)
	b = appendString(b, m.Version)
	return append(b, "}}"...)
}

// appendMember appends an omitempty string member "key":value, preceded
// by a comma unless it is the first member of an object that opened at
// mark (mark 0: never the first).
func appendMember(b []byte, mark int, key, value string) []byte {
	if value == "" {
		return b
	}
	if mark == 0 || len(b) > mark {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, key...)
	b = append(b, `":`...)
	return appendString(b, value)
}

func appendMultiValues(b []byte, vs []multiValue) []byte {
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"value":`...)
		b = appendString(b, v.Value)
		b = appendMember(b, 0, "type", v.Type)
		if v.Primary {
			b = append(b, `,"primary":true`...)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendStrings appends a []string as json.Marshal writes it (nil: null).
func appendStrings(b []byte, vs []string) []byte {
	if vs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, v)
	}
	return append(b, ']')
}

// appendString appends s as json.Marshal writes it. ASCII is escaped
// here as encoding/json escapes it (short escapes for the quote, the
// backslash, \b \f \n \r \t; \u00XX for other controls and, for HTML,
// <, > and &); a string with any other byte, multi-byte UTF-8 or
// invalid, goes through json.Marshal itself, which also escapes U+2028,
// U+2029 and invalid UTF-8.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8RuneSelf {
			enc, _ := json.Marshal(s) // a string always marshals
			return append(b, enc...)
		}
	}
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\f':
			b = append(b, '\\', 'f')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

const (
	utf8RuneSelf = 0x80
	hexDigits    = "0123456789abcdef"
)
