package scim

import (
	"context"
	"strings"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

// userResource is a User as RFC 7643 section 4.1 writes it. password is
// never part of it: it is write-only.
type userResource struct {
	Schemas      []string      `json:"schemas"`
	ID           string        `json:"id"`
	ExternalID   string        `json:"externalId,omitempty"`
	UserName     string        `json:"userName"`
	Name         *nameAttr     `json:"name,omitempty"`
	DisplayName  string        `json:"displayName,omitempty"`
	Title        string        `json:"title,omitempty"`
	Active       bool          `json:"active"`
	Emails       []multiValue  `json:"emails,omitempty"`
	PhoneNumbers []multiValue  `json:"phoneNumbers,omitempty"`
	Groups       []groupRef    `json:"groups,omitempty"`
	Enterprise   *enterpriseAt `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,omitempty"`
	Meta         meta          `json:"meta"`
}

type nameAttr struct {
	Formatted  string `json:"formatted,omitempty"`
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// multiValue is an element of emails or phoneNumbers.
type multiValue struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// groupRef is an element of a User's groups (read-only).
type groupRef struct {
	Value   string `json:"value"`
	Ref     string `json:"$ref,omitempty"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
}

type enterpriseAt struct {
	EmployeeNumber string      `json:"employeeNumber,omitempty"`
	Department     string      `json:"department,omitempty"`
	Organization   string      `json:"organization,omitempty"`
	Manager        *managerRef `json:"manager,omitempty"`
}

type managerRef struct {
	Value       string `json:"value"`
	Ref         string `json:"$ref,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

type meta struct {
	ResourceType string `json:"resourceType"`
	Created      string `json:"created,omitempty"`
	LastModified string `json:"lastModified,omitempty"`
	Location     string `json:"location"`
	Version      string `json:"version"`
}

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// userView is what a request wants of each User it renders: where its
// resources live and whether the (read-only, costly) groups are read.
type userView struct {
	base       string // the service's URL, e.g. https://gw/scim/v2
	withGroups bool
}

// renderUser turns a directory user into its resource. The manager's id
// and the groups need reads of their own; they are made only when the
// user has a manager and when the view asks for groups.
func (d *Dialect) renderUser(ctx context.Context, r *request, u *directory.User, v userView) (*userResource, error) {
	res := &userResource{
		Schemas:     []string{urnUser},
		ID:          u.ID,
		ExternalID:  u.ExternalID,
		UserName:    u.Username,
		DisplayName: u.DisplayName,
		Title:       u.Title,
		Active:      u.Enabled,
		Meta: meta{
			ResourceType: "User", Created: timestamp(u.Created), LastModified: timestamp(u.Modified),
			Location: v.base + "/Users/" + u.ID, Version: userVersion(u),
		},
	}
	if u.GivenName != "" || u.Surname != "" {
		res.Name = &nameAttr{GivenName: u.GivenName, FamilyName: u.Surname, Formatted: joinNonEmpty(u.GivenName, u.Surname)}
	}
	if u.Mail != "" {
		res.Emails = []multiValue{{Value: u.Mail, Type: "work", Primary: true}}
	}
	if u.Telephone != "" {
		res.PhoneNumbers = append(res.PhoneNumbers, multiValue{Value: u.Telephone, Type: "work", Primary: true})
	}
	for _, m := range u.Mobile {
		res.PhoneNumbers = append(res.PhoneNumbers, multiValue{Value: m, Type: "mobile"})
	}
	ent := &enterpriseAt{
		EmployeeNumber: first(u.Attributes, d.schema.employeeNumber),
		Department:     first(u.Attributes, d.schema.department),
		Organization:   first(u.Attributes, d.schema.organization),
	}
	if dn := first(u.Attributes, d.schema.manager); dn != "" {
		// A manager that is gone, or outside the caller's scope, is left
		// out rather than shown by DN.
		if m, err := d.domain.GetUser(ctx, r.caller, directory.ByDN(dn)); err == nil {
			ent.Manager = &managerRef{Value: m.ID, Ref: v.base + "/Users/" + m.ID, DisplayName: m.DisplayName}
		}
	}
	if *ent != (enterpriseAt{}) {
		res.Schemas = append(res.Schemas, urnEnterprise)
		res.Enterprise = ent
	}
	if v.withGroups {
		ms, err := d.domain.MemberOf(ctx, r.caller, directory.UserRef(directory.ByID(u.ID)), true)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			typ := "indirect"
			if m.Direct {
				typ = "direct"
			}
			res.Groups = append(res.Groups, groupRef{Value: m.Group.ID, Ref: v.base + "/Groups/" + m.Group.ID, Display: m.Group.Name, Type: typ})
		}
	}
	return res, nil
}

func first(attrs map[string][]string, name string) string {
	if name == "" {
		return ""
	}
	if vs := attrs[name]; len(vs) > 0 {
		return vs[0]
	}
	for k, vs := range attrs {
		if len(vs) > 0 && strings.EqualFold(k, name) {
			return vs[0]
		}
	}
	return ""
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
