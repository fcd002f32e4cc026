package scim

import (
	"context"
	"errors"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// groupResource is a Group as RFC 7643 section 4.2 writes it.
type groupResource struct {
	Schemas     []string    `json:"schemas"`
	ID          string      `json:"id"`
	ExternalID  string      `json:"externalId,omitempty"`
	DisplayName string      `json:"displayName"`
	Members     []memberRef `json:"members,omitempty"`
	Meta        meta        `json:"meta"`
}

type memberRef struct {
	Value   string `json:"value"`
	Ref     string `json:"$ref,omitempty"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
}

// renderGroup turns a group into its resource; the members are read only
// when withMembers, so excludedAttributes=members never reads them.
func (d *Dialect) renderGroup(ctx context.Context, r *request, g *directory.Group, withMembers bool) (*groupResource, error) {
	res := &groupResource{
		Schemas: []string{urnGroup}, ID: g.ID, ExternalID: g.ExternalID, DisplayName: g.Name,
		Meta: meta{ResourceType: "Group", Created: timestamp(g.Created), LastModified: timestamp(g.Modified),
			Location: r.base + "/Groups/" + g.ID, Version: groupVersion(g)},
	}
	if !withMembers {
		return res, nil
	}
	ms, err := d.members(ctx, r.caller, g.ID)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		res.Members = append(res.Members, memberOf(r.base, m.Principal))
	}
	return res, nil
}

// members reads a group's direct members, bounded by maxMembers.
func (d *Dialect) members(ctx context.Context, c identity.Caller, id string) ([]directory.Member, error) {
	ms, err := d.domain.Members(ctx, c, directory.ByID(id), false)
	if err != nil {
		return nil, err
	}
	if len(ms) > d.maxMembers {
		return nil, badRequest(typeTooMany, "the group has more than %d members (maxMembers): read it with excludedAttributes=members", d.maxMembers)
	}
	return ms, nil
}

func memberOf(base string, p directory.Principal) memberRef {
	if p.Type == directory.PrincipalGroup {
		return memberRef{Value: p.ID, Ref: base + "/Groups/" + p.ID, Display: p.Name, Type: "Group"}
	}
	display := p.DisplayName
	if display == "" {
		display = p.Name
	}
	return memberRef{Value: p.ID, Ref: base + "/Users/" + p.ID, Display: display, Type: "User"}
}

// groupInput is what a Group document asks for.
type groupInput struct {
	displayName, externalID string
	hasExternalID           bool
	members                 []document
	hasMembers              bool
}

func readGroup(doc document) (groupInput, error) {
	var in groupInput
	if v, ok := doc["displayname"]; ok && v != nil {
		s, ok := v.(string)
		if !ok {
			return in, badRequest(typeInvalidValue, "displayName must be a string")
		}
		in.displayName = strings.TrimSpace(s)
	}
	if v, ok := doc["externalid"]; ok {
		in.hasExternalID = true
		if v != nil {
			s, ok := v.(string)
			if !ok {
				return in, badRequest(typeInvalidValue, "externalId must be a string")
			}
			in.externalID = strings.TrimSpace(s)
		}
	}
	if v, ok := doc["members"]; ok {
		in.hasMembers = true
		els, err := elements(v, "members")
		if err != nil {
			return in, err
		}
		in.members = els
	}
	return in, nil
}

// principal resolves a members element ({"value": id, "type": "User"})
// to the user or group it names. Without a type, a user is looked for
// first, then a group.
func (d *Dialect) principal(ctx context.Context, c identity.Caller, el document) (directory.PrincipalRef, error) {
	id, _ := el["value"].(string)
	if id == "" {
		return directory.PrincipalRef{}, badRequest(typeInvalidValue, "a member needs a value (the member's id)")
	}
	typ, _ := el["type"].(string)
	switch strings.ToLower(typ) {
	case "user":
		return directory.UserRef(directory.ByID(id)), nil
	case "group":
		return directory.GroupRef(directory.ByID(id)), nil
	case "":
	default:
		return directory.PrincipalRef{}, badRequest(typeInvalidValue, "member type %q is not User or Group", typ)
	}
	_, err := d.domain.GetUser(ctx, c, directory.ByID(id))
	if err == nil {
		return directory.UserRef(directory.ByID(id)), nil
	}
	if !errors.Is(err, directory.ErrNotFound) {
		return directory.PrincipalRef{}, err
	}
	_, err = d.domain.GetGroup(ctx, c, directory.ByID(id))
	if err == nil {
		return directory.GroupRef(directory.ByID(id)), nil
	}
	if errors.Is(err, directory.ErrNotFound) {
		return directory.PrincipalRef{}, badRequest(typeInvalidValue, "member %q is not a user or a group", id)
	}
	return directory.PrincipalRef{}, err
}

func (d *Dialect) principals(ctx context.Context, c identity.Caller, els []document) ([]directory.PrincipalRef, error) {
	out := make([]directory.PrincipalRef, 0, len(els))
	for _, el := range els {
		p, err := d.principal(ctx, c, el)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
