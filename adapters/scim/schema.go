package scim

import (
	"slices"
	"strings"
)

// Schema URNs of RFC 7643 and RFC 7644.
const (
	urnUser           = "urn:ietf:params:scim:schemas:core:2.0:User"
	urnGroup          = "urn:ietf:params:scim:schemas:core:2.0:Group"
	urnEnterprise     = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	urnListResponse   = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	urnSearchRequest  = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	urnPatchOp        = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	urnSPConfig       = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	urnResourceType   = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	urnSchema         = "urn:ietf:params:scim:schemas:core:2.0:Schema"
	enterpriseKey     = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user" // lower case, as documents are normalised
	coreUserKeyPrefix = "urn:ietf:params:scim:schemas:core:2.0:user:"
	coreGroupKeyPref  = "urn:ietf:params:scim:schemas:core:2.0:group:"
)

// userSchema says which directory attribute holds each Enterprise User
// attribute. The directory carries an attribute only when its backend's
// allow-list (extraAttributes) names it: AD's "department" and
// "company", inetOrgPerson's "departmentNumber" and "o". An attribute
// with no directory attribute is neither stored nor filterable.
type userSchema struct {
	employeeNumber string
	department     string
	organization   string
	manager        string
}

func newUserSchema(extra []string) *userSchema {
	pick := func(names ...string) string {
		for _, n := range names {
			if i := slices.IndexFunc(extra, func(e string) bool { return strings.EqualFold(e, n) }); i >= 0 {
				return extra[i]
			}
		}
		return ""
	}
	return &userSchema{
		employeeNumber: pick("employeeNumber"),
		department:     pick("department", "departmentNumber"),
		organization:   pick("company", "o", "organizationName"),
		manager:        pick("manager"),
	}
}

// enterpriseAttribute returns the directory attribute of an Enterprise
// User attribute (lower-case name), "" when the directory has none.
func (s *userSchema) enterpriseAttribute(name string) string {
	switch name {
	case "employeenumber":
		return s.employeeNumber
	case "department":
		return s.department
	case "organization":
		return s.organization
	case "manager":
		return s.manager
	}
	return ""
}
