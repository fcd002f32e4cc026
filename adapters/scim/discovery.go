package scim

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// The discovery endpoints (RFC 7644 section 4) say what this service
// does, and only that: a client such as Okta or Entra ID reads them to
// decide what to send.

type supported struct {
	Supported bool `json:"supported"`
}

type spConfig struct {
	Schemas               []string   `json:"schemas"`
	DocumentationURI      string     `json:"documentationUri"`
	Patch                 supported  `json:"patch"`
	Bulk                  bulkConfig `json:"bulk"`
	Filter                filterConf `json:"filter"`
	ChangePassword        supported  `json:"changePassword"`
	Sort                  supported  `json:"sort"`
	ETag                  supported  `json:"etag"`
	AuthenticationSchemes []authSch  `json:"authenticationSchemes"`
	Meta                  metaShort  `json:"meta"`
}

type bulkConfig struct {
	Supported      bool `json:"supported"`
	MaxOperations  int  `json:"maxOperations"`
	MaxPayloadSize int  `json:"maxPayloadSize"`
}

type filterConf struct {
	Supported  bool `json:"supported"`
	MaxResults int  `json:"maxResults"`
}

type authSch struct {
	Type        string `json:"type"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Primary     bool   `json:"primary"`
}

type metaShort struct {
	ResourceType string `json:"resourceType"`
	Location     string `json:"location"`
}

func (d *Dialect) serviceProviderConfig(c echo.Context) error {
	r := newRequest(c)
	return writeJSON(c, http.StatusOK, spConfig{
		Schemas:          []string{urnSPConfig},
		DocumentationURI: "https://github.com/dirgate/dirgate/blob/main/docs/dialects/scim.md",
		Patch:            supported{true},
		// Bulk is not offered: Entra ID never sends it, Okta does not
		// either, and its all-or-nothing promise cannot be kept across
		// directory writes.
		Bulk:           bulkConfig{},
		Filter:         filterConf{Supported: true, MaxResults: d.maxResults},
		ChangePassword: supported{d.changePassword},
		Sort:           supported{true},
		ETag:           supported{true},
		AuthenticationSchemes: []authSch{{Type: "oauthbearertoken", Name: "OAuth Bearer Token",
			Description: "A bearer token from dirgate's configuration (dialects.scim.config.tokens)", Primary: true}},
		Meta: metaShort{ResourceType: "ServiceProviderConfig", Location: r.base + "/ServiceProviderConfig"},
	})
}

type resourceTypeDoc struct {
	Schemas          []string       `json:"schemas"`
	ID               string         `json:"id"`
	Name             string         `json:"name"`
	Endpoint         string         `json:"endpoint"`
	Description      string         `json:"description"`
	Schema           string         `json:"schema"`
	SchemaExtensions []schemaExtRef `json:"schemaExtensions,omitempty"`
	Meta             metaShort      `json:"meta"`
}

type schemaExtRef struct {
	Schema   string `json:"schema"`
	Required bool   `json:"required"`
}

func resourceTypeList(base string) []resourceTypeDoc {
	return []resourceTypeDoc{
		{Schemas: []string{urnResourceType}, ID: "User", Name: "User", Endpoint: "/Users", Description: "User Account",
			Schema: urnUser, SchemaExtensions: []schemaExtRef{{Schema: urnEnterprise}},
			Meta: metaShort{ResourceType: "ResourceType", Location: base + "/ResourceTypes/User"}},
		{Schemas: []string{urnResourceType}, ID: "Group", Name: "Group", Endpoint: "/Groups", Description: "Group",
			Schema: urnGroup, Meta: metaShort{ResourceType: "ResourceType", Location: base + "/ResourceTypes/Group"}},
	}
}

func (d *Dialect) resourceTypes(c echo.Context) error {
	r := newRequest(c)
	list := resourceTypeList(r.base)
	return writeJSON(c, http.StatusOK, listOf(list))
}

func (d *Dialect) resourceType(c echo.Context) error {
	r := newRequest(c)
	for _, rt := range resourceTypeList(r.base) {
		if strings.EqualFold(rt.ID, c.Param("id")) {
			return writeJSON(c, http.StatusOK, rt)
		}
	}
	return notFound("no resource type %q", c.Param("id"))
}

func (d *Dialect) schemas(c echo.Context) error {
	r := newRequest(c)
	return writeJSON(c, http.StatusOK, listOf(d.schemaList(r.base)))
}

func (d *Dialect) schemaByID(c echo.Context) error {
	r := newRequest(c)
	for _, s := range d.schemaList(r.base) {
		if strings.EqualFold(s.ID, c.Param("id")) {
			return writeJSON(c, http.StatusOK, s)
		}
	}
	return notFound("no schema %q", c.Param("id"))
}

func listOf[T any](items []T) listResponse {
	resp := listResponse{Schemas: []string{urnListResponse}, TotalResults: len(items), StartIndex: 1, ItemsPerPage: len(items)}
	for _, it := range items {
		resp.Resources = append(resp.Resources, it)
	}
	return resp
}

// schemaDoc is RFC 7643 section 7's schema representation.
type schemaDoc struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Description string      `json:"description"`
	Attributes  []attribute `json:"attributes"`
	Meta        metaShort   `json:"meta"`
}

type attribute struct {
	Name            string      `json:"name"`
	Type            string      `json:"type"`
	MultiValued     bool        `json:"multiValued"`
	Description     string      `json:"description,omitempty"`
	Required        bool        `json:"required"`
	CaseExact       bool        `json:"caseExact"`
	Mutability      string      `json:"mutability"`
	Returned        string      `json:"returned"`
	Uniqueness      string      `json:"uniqueness"`
	SubAttributes   []attribute `json:"subAttributes,omitempty"`
	ReferenceTypes  []string    `json:"referenceTypes,omitempty"`
	CanonicalValues []string    `json:"canonicalValues,omitempty"`
}

// attr is a readWrite, default-returned, non-unique, single-valued string
// attribute; the options change that.
func attr(name, desc string, opts ...func(*attribute)) attribute {
	a := attribute{Name: name, Type: "string", Description: desc, Mutability: "readWrite", Returned: "default", Uniqueness: "none"}
	for _, o := range opts {
		o(&a)
	}
	return a
}

func typ(t string) func(*attribute)      { return func(a *attribute) { a.Type = t } }
func multiValued(a *attribute)           { a.MultiValued = true }
func required(a *attribute)              { a.Required = true }
func caseExact(a *attribute)             { a.CaseExact = true }
func readOnly(a *attribute)              { a.Mutability = "readOnly" }
func immutable(a *attribute)             { a.Mutability = "immutable" }
func writeOnly(a *attribute)             { a.Mutability = "writeOnly"; a.Returned = "never" }
func returned(r string) func(*attribute) { return func(a *attribute) { a.Returned = r } }
func unique(a *attribute)                { a.Uniqueness = "server" }
func refs(types ...string) func(*attribute) {
	return func(a *attribute) { a.Type = "reference"; a.ReferenceTypes = types }
}
func canonical(vs ...string) func(*attribute) {
	return func(a *attribute) { a.CanonicalValues = vs }
}
func subs(s ...attribute) func(*attribute) {
	return func(a *attribute) { a.Type = "complex"; a.SubAttributes = s }
}

// schemaList describes what this service stores: the attributes it
// maps, no others. The Enterprise attributes listed are those the
// directory carries (see userSchema).
func (d *Dialect) schemaList(base string) []schemaDoc {
	id := attr("id", "The directory's stable id (entryUUID, objectGUID)", readOnly, caseExact, returned("always"), unique)
	meta := attr("meta", "Resource metadata", readOnly, subs(
		attr("resourceType", "", readOnly), attr("created", "", typ("dateTime"), readOnly),
		attr("lastModified", "", typ("dateTime"), readOnly), attr("location", "", refs("uri"), readOnly),
		attr("version", "", readOnly, caseExact)))
	user := schemaDoc{
		Schemas: []string{urnSchema}, ID: urnUser, Name: "User", Description: "User Account",
		Attributes: []attribute{
			id,
			attr("externalId", "The provisioning client's id", caseExact),
			attr("userName", "The login name (uid on OpenLDAP, sAMAccountName on AD)", required, unique),
			attr("name", "", subs(
				attr("formatted", "Given and family name", readOnly),
				attr("familyName", "sn"), attr("givenName", "givenName"))),
			attr("displayName", "displayName"),
			attr("title", "title"),
			attr("active", "The account is enabled (disabling is not deleting)", typ("boolean")),
			attr("password", "Set only; never returned", writeOnly),
			attr("emails", "One address: mail", multiValued, subs(
				attr("value", "mail"), attr("type", "", canonical("work")), attr("primary", "", typ("boolean")))),
			attr("phoneNumbers", "work: telephoneNumber; mobile: mobile", multiValued, subs(
				attr("value", ""), attr("type", "", canonical("work", "mobile")), attr("primary", "", typ("boolean")))),
			attr("groups", "Groups the user belongs to, directly or through nesting; returned when asked for (attributes=groups)",
				multiValued, readOnly, returned("request"), subs(
					attr("value", "", readOnly), attr("$ref", "", refs("Group"), readOnly),
					attr("display", "", readOnly), attr("type", "", readOnly, canonical("direct", "indirect")))),
			meta,
		},
		Meta: metaShort{ResourceType: "Schema", Location: base + "/Schemas/" + urnUser},
	}
	var ext []attribute
	if d.schema.employeeNumber != "" {
		ext = append(ext, attr("employeeNumber", d.schema.employeeNumber))
	}
	if d.schema.organization != "" {
		ext = append(ext, attr("organization", d.schema.organization))
	}
	if d.schema.department != "" {
		ext = append(ext, attr("department", d.schema.department))
	}
	if d.schema.manager != "" {
		ext = append(ext, attr("manager", "manager (the DN of the manager's entry)", subs(
			attr("value", "The manager's id"), attr("$ref", "", refs("User"), readOnly),
			attr("displayName", "", readOnly))))
	}
	enterprise := schemaDoc{
		Schemas: []string{urnSchema}, ID: urnEnterprise, Name: "EnterpriseUser", Description: "Enterprise User",
		Attributes: ext, Meta: metaShort{ResourceType: "Schema", Location: base + "/Schemas/" + urnEnterprise},
	}
	group := schemaDoc{
		Schemas: []string{urnSchema}, ID: urnGroup, Name: "Group", Description: "Group",
		Attributes: []attribute{
			id,
			attr("externalId", "The provisioning client's id", caseExact),
			attr("displayName", "cn", required, unique),
			attr("members", "Direct members: users and, where the directory nests groups, groups", multiValued, subs(
				attr("value", "", immutable), attr("$ref", "", refs("User", "Group"), immutable),
				attr("display", "", readOnly), attr("type", "", immutable, canonical("User", "Group")))),
			meta,
		},
		Meta: metaShort{ResourceType: "Schema", Location: base + "/Schemas/" + urnGroup},
	}
	return []schemaDoc{user, enterprise, group}
}
